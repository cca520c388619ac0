// One signed POST to a subscription endpoint. On node:http(s) with keep-alive agents: Node's fetch
// (undici) measured ~4× the CPU per request here, which capped forwarding well below what the
// database allows. Redirects are not followed (the endpoint is what was registered, nothing else),
// the answer is read only up to a cap (a large answer is not an error), and the deadline is a hard
// abort covering connect, send and answer.
import http from 'node:http';
import https from 'node:https';
import type { PushResult, PushSender } from '@dtg/webhook-signing';

export type EndpointSender = PushSender;

const MAX_RESPONSE_BYTES = 1024;

/** `maxSockets` per endpoint host: at least the pushes in flight per endpoint. */
export function createEndpointSender(maxSockets: number): EndpointSender {
  const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets }), 'https:': new https.Agent({ keepAlive: true, maxSockets }) };
  return (url, body, headers, timeoutMs) => {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    return new Promise<PushResult>((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        resolve({ body: '', durationMs: 0, error: 'not a valid URL' });
        return;
      }
      const transport = target.protocol === 'https:' ? https : http;
      const agent = target.protocol === 'https:' ? agents['https:'] : agents['http:'];
      const req = transport.request(
        target,
        { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, signal: AbortSignal.timeout(timeoutMs) },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const done = () => {
            const retryAfter = res.headers['retry-after'];
            resolve({
              status: res.statusCode,
              retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
              body: Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8'),
              durationMs: elapsed(),
            });
          };
          res.on('data', (chunk: Buffer) => {
            if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
            size += chunk.length;
          });
          res.on('end', done);
          // An answer cut off after its status line still says what the endpoint answered.
          res.on('error', done);
        },
      );
      req.on('error', (error: Error & { code?: string }) => {
        resolve({
          body: '',
          durationMs: elapsed(),
          error: error.name === 'AbortError' || error.name === 'TimeoutError' ? 'timed out' : (error.code ?? error.message),
        });
      });
      req.end(body);
    });
  };
}
