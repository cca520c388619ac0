// What a promise rejected with, for tests that assert on the error itself.
import { DingTalkApiError } from '../errors/dingtalk-errors';

/** The error the promise rejected with; fails the test if it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

/** The DingTalkApiError the promise rejected with; fails the test on anything else. */
export async function apiRejection(promise: Promise<unknown>): Promise<DingTalkApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof DingTalkApiError) return err;
  throw new Error(`expected a DingTalkApiError, got ${String(err)}`);
}
