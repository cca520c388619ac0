// The cloud gateway's environment in a stack of real processes (tests, drills, benchmarks): its own
// SQLite file, its own secrets, and the simulator standing in for every DingTalk host.
import { randomBytes } from 'node:crypto';

export interface CloudSecrets {
  adminToken: string;
  encryptionKey: string;
  userTokenSecret: string;
}

export function freshCloudSecrets(): CloudSecrets {
  return {
    adminToken: randomBytes(24).toString('base64url'),
    encryptionKey: randomBytes(32).toString('base64'),
    userTokenSecret: randomBytes(32).toString('base64url'),
  };
}

/** Delivery timing compressed from hours to seconds, for tests that wait on retries. */
export const COMPRESSED_DELIVERY = { WEBHOOK_RETRY_SCHEDULE: '200ms,500ms,1s,2s,2s,5s,5s,10s,10s,10s', WEBHOOK_TIMEOUT: '3s', DISPATCH_POLL_INTERVAL: '200ms' };

export function cloudEnv(options: { port: number; dbFile: string; simUrl: string; secrets: CloudSecrets }): Record<string, string> {
  const url = `http://127.0.0.1:${options.port}`;
  return {
    PORT: String(options.port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    CLOUD_DATABASE_URL: `file:${options.dbFile}`,
    ENCRYPTION_KEY: options.secrets.encryptionKey,
    ADMIN_TOKEN: options.secrets.adminToken,
    USER_TOKEN_SECRET: options.secrets.userTokenSecret,
    DINGTALK_LOGIN_URL: options.simUrl,
    DINGTALK_API_URL: options.simUrl,
    DINGTALK_OAPI_URL: options.simUrl,
  };
}
