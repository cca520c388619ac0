// `npm start` generates the demo stack's secrets into .data/stack-secrets.json, and writes the rest of
// the cloud's settings (the simulator's URLs as DingTalk's, its public URL) into .data/stack-env.json,
// beside the cloud's database file. An operator running `npm run admin` next to it should not have
// to copy them into the environment by hand: when the database the CLI opens sits beside these
// files, their values fill in what the environment leaves unset (the environment always wins).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const STACK_SECRETS_FILE = 'stack-secrets.json';
const STACK_ENV_FILE = 'stack-env.json';
const StackSecretsSchema = z.object({ ENCRYPTION_KEY: z.string(), ADMIN_TOKEN: z.string().optional(), USER_TOKEN_SECRET: z.string().optional() });
const StackEnvSchema = z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), z.string());

/** The environment with the demo stack's secrets added when `databaseUrl` is a file beside them. */
export function withStackSecrets(env: NodeJS.ProcessEnv, databaseUrl: string): NodeJS.ProcessEnv {
  if (!databaseUrl.startsWith('file:')) return env;
  const dir = path.dirname(databaseUrl.slice('file:'.length));
  const secretsFile = path.join(dir, STACK_SECRETS_FILE);
  if (!existsSync(secretsFile)) return env;
  const secrets = StackSecretsSchema.parse(JSON.parse(readFileSync(secretsFile, 'utf8')));
  const envFile = path.join(dir, STACK_ENV_FILE);
  const settings = existsSync(envFile) ? StackEnvSchema.parse(JSON.parse(readFileSync(envFile, 'utf8'))) : {};
  const defined = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  return { ...settings, ...secrets, ...defined };
}
