// `npm start` generates the demo stack's secrets into .data/stack-secrets.json, beside the cloud's
// database file. An operator running `npm run admin` next to it should not have to copy them into
// the environment by hand: when the database the CLI opens sits beside such a file, the file's values
// fill in what the environment leaves unset (the environment always wins).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const STACK_SECRETS_FILE = 'stack-secrets.json';
const StackSecretsSchema = z.object({ ENCRYPTION_KEY: z.string(), ADMIN_TOKEN: z.string().optional(), USER_TOKEN_SECRET: z.string().optional() });

/** The environment with the demo stack's secrets added when `databaseUrl` is a file beside them. */
export function withStackSecrets(env: NodeJS.ProcessEnv, databaseUrl: string): NodeJS.ProcessEnv {
  if (!databaseUrl.startsWith('file:')) return env;
  const file = path.join(path.dirname(databaseUrl.slice('file:'.length)), STACK_SECRETS_FILE);
  if (!existsSync(file)) return env;
  const secrets = StackSecretsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const defined = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  return { ...secrets, ...defined };
}
