import { z } from 'zod';
import { envBool, envPort } from '@dtg/service-kit';

/** The standalone simulator's environment (tests start it in-process with options instead). */
export const SimEnvSchema = z.object({
  SIM_PORT: envPort(3200),
  SIM_HOST: z.string().default('127.0.0.1'),
  /** One log line per request. */
  SIM_LOG: envBool(true),
});
