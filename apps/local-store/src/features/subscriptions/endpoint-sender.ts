// One signed POST to a subscription endpoint, with Node's fetch (undici keeps connections alive).
// Redirects are not followed (the endpoint is what was registered, nothing else), the answer is
// read only up to a cap, and the deadline is a hard abort.
export interface SendResult {
  status?: number;
  retryAfter?: string;
  body: string;
  durationMs: number;
  error?: string;
}

export type EndpointSender = (url: string, body: string, headers: Record<string, string>, timeoutMs: number) => Promise<SendResult>;

const MAX_RESPONSE_BYTES = 1024;

export const sendToEndpoint: EndpointSender = async (url, body, headers, timeoutMs) => {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const res = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const text = await readCapped(res);
    return { status: res.status, retryAfter: res.headers.get('retry-after') ?? undefined, body: text, durationMs: elapsed() };
  } catch (error) {
    return { body: '', durationMs: elapsed(), error: describe(error) };
  }
};

/** The first bytes of the answer, for the attempt log; the rest is discarded unread. */
async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_RESPONSE_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8');
}

/** fetch() says only "fetch failed"; the useful part (ECONNREFUSED, timeout) is in its cause. */
function describe(error: unknown): string {
  const { message, name, cause } = error as { message?: string; name?: string; cause?: { code?: string; message?: string } };
  if (name === 'TimeoutError') return 'timed out';
  return cause?.code ?? cause?.message ?? message ?? String(error);
}
