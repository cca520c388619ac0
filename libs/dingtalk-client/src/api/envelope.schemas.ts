import { z } from 'zod';

/** Old-API success envelope: the payload is in `result`; errcode was already checked by the parser. */
export function resultOf<T>(result: z.ZodType<T>): z.ZodType<T> {
  return z.object({ result }).transform((body) => (body as { result: T }).result);
}

/** Old-API calls that answer only `{errcode: 0, errmsg: "ok"}`. */
export const OkSchema = z.object({ errcode: z.literal(0) }).transform((): void => undefined);
