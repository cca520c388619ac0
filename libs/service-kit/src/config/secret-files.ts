// Docker and Kubernetes hand secrets over as files: `ENCRYPTION_KEY_FILE=/run/secrets/encryption_key`
// stands for `ENCRYPTION_KEY=<the file's content>`, so no secret has to sit in the environment (where
// `docker inspect` and /proc/<pid>/environ show it). Works for every variable a schema knows.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ConfigProblem } from './config-error';

type Env = Record<string, string | undefined>;

const FILE_SUFFIX = '_FILE';

/** The variable names a config schema reads (an object, or an object piped into a transform). */
export function schemaKeys(schema: z.ZodType): string[] | undefined {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodPipe) return schemaKeys(schema.in as z.ZodType);
  return undefined;
}

/** `env` with each `<NAME>_FILE` the schema knows replaced by the file's content (one trailing newline dropped). */
export function resolveSecretFiles(env: Env, keys: string[] | undefined): { env: Env; problems: ConfigProblem[] } {
  const known = keys ? new Set(keys) : undefined;
  const resolved: Env = { ...env };
  const problems: ConfigProblem[] = [];
  for (const [variable, file] of Object.entries(env)) {
    if (!variable.endsWith(FILE_SUFFIX) || file === undefined || file === '') continue;
    const name = variable.slice(0, -FILE_SUFFIX.length);
    if (known ? !known.has(name) : !/^[A-Z][A-Z0-9_]*$/.test(name)) continue;
    if (env[name] !== undefined && env[name] !== '') {
      problems.push({ variable, reason: `is set together with ${name}; set only one of them` });
      continue;
    }
    try {
      resolved[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      // The path is configuration, not a secret; the reason names the failure, never any content.
      problems.push({ variable, reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` });
    }
  }
  return { env: resolved, problems };
}
