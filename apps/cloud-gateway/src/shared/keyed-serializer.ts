/**
 * Runs tasks with the same key one after another, in call order (other keys run freely). Handlers
 * read DingTalk's latest state and then commit: two concurrent handlers for one org could otherwise
 * commit in the opposite order of their reads, and the older state would win.
 */
export function keyedSerializer() {
  const tails = new Map<string, Promise<unknown>>();
  return function serialize<T>(key: string, task: () => Promise<T>): Promise<T> {
    const current = (tails.get(key) ?? Promise.resolve()).then(task);
    const tail = current.catch(() => undefined);
    tails.set(key, tail);
    // Bookkeeping only: `tail` has its rejection caught above, so this chain cannot reject.
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return current;
  };
}
