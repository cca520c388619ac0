/**
 * The one way a test waits: poll `fn` until it returns something truthy (returned), or fail naming
 * `what` after `timeoutMs`. Tests wait on state they can observe, never for a fixed time; the
 * generous default only matters when the awaited state never comes (a failing test).
 */
export async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Often enough that a test does not idle, seldom enough that polling over HTTP costs little. */
const POLL_MS = 25;
