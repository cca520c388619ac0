import type { z } from 'zod';

/** The env variable names a config schema reads (through any transform/pipe around the object). */
export function envNames(schema: z.ZodType): string[] {
  if ('shape' in schema) return Object.keys((schema as z.ZodObject).shape);
  if ('in' in schema) return envNames((schema as unknown as { in: z.ZodType }).in);
  throw new Error('not an object schema');
}
