// The contract between a dispatcher (the cloud's to a store, the store's to its subscribers) and
// the sender that makes one signed POST: the two senders differ in how they reach the network, not
// in what they report, which is what the retry schedule (status, Retry-After) and the attempt log need.

/** What one push came back with, or why it got no answer (`error`, no `status`). */
export interface PushResult {
  status?: number;
  retryAfter?: string;
  /** The answer's body, read up to the sender's cap. */
  body: string;
  durationMs: number;
  error?: string;
}

/** POSTs `body` with `headers` to `url`, giving up after `timeoutMs`; never throws. */
export type PushSender = (url: string, body: string, headers: Record<string, string>, timeoutMs: number) => Promise<PushResult>;
