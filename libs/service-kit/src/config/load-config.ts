import { z } from 'zod';
import { ConfigError, formatProblem, type ConfigProblem } from './config-error';
import { resolveSecretFiles, schemaKeys } from './secret-files';

type Env = Record<string, string | undefined>;

/**
 * Parses the environment once at start. The result is deeply frozen so nothing downstream can
 * "adjust" config at runtime. Reasons never include values: env vars hold secrets and DSNs.
 */
export function loadConfig<S extends z.ZodType>(schema: S, given: Env = process.env): z.infer<S> {
  const { env, problems } = resolveSecretFiles(given, schemaKeys(schema));
  const result = schema.safeParse(env);
  const issues = result.success ? [] : result.error.issues.map((issue) => toProblem(issue, env));
  if (problems.length > 0 || !result.success) throw new ConfigError([...problems, ...issues]);
  return deepFreeze(result.data);
}

/** For main.ts: prints every problem on its own stderr line and exits non-zero instead of throwing. */
export function parseConfigOrExit<S extends z.ZodType>(schema: S, env: Env = process.env): z.infer<S> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`Invalid configuration (${error.problems.length} problem(s)):\n`);
    for (const problem of error.problems) process.stderr.write(`${formatProblem(problem)}\n`);
    process.exit(1);
  }
}

function toProblem(issue: z.core.$ZodIssue, env: Env): ConfigProblem {
  const variable = issue.path.length > 0 ? issue.path.map(String).join('.') : '(environment)';
  const missing = issue.path.length === 1 && env[String(issue.path[0])] === undefined;
  const reason = missing && issue.code === 'invalid_type' ? 'is required but not set' : issue.message;
  return { variable, reason };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
