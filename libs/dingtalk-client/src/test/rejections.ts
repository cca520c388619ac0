// What a promise rejected with, or a call threw, for tests that assert on the error itself.
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

/** The error `fn` throws when it is a `type`; fails the test when it throws nothing or something else. */
export function thrown<E extends Error>(fn: () => unknown, type: abstract new (...args: never[]) => E): E {
  try {
    fn();
  } catch (err) {
    if (err instanceof type) return err;
    throw err;
  }
  throw new Error(`expected a ${type.name}`);
}
