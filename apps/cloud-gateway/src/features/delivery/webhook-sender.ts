// One signed POST to a tenant's webhook URL. No redirects are followed (a redirect could point the
// push at an address the URL guard refused), no proxy from the environment is used (the proxy, not
// the guard, would pick the address), every connection goes through the address-checking agents,
// the response body is read only up to a cap, and the deadline is a hard abort.
import axios from 'axios';
import { webhookAgents, type WebhookAgentOptions } from './webhook-agent';
import type { PushSender } from '@dtg/webhook-signing';

export type WebhookSender = PushSender;

const MAX_RESPONSE_BYTES = 16 * 1024;

export function createWebhookSender(agentOptions: WebhookAgentOptions): WebhookSender {
  const client = axios.create({
    ...webhookAgents(agentOptions),
    proxy: false,
    maxRedirects: 0,
    maxContentLength: MAX_RESPONSE_BYTES,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
  });
  return async (url, body, headers, timeoutMs) => {
    const started = performance.now();
    try {
      const res = await client.post<string>(url, body, { headers, signal: AbortSignal.timeout(timeoutMs) });
      const retryAfter = res.headers['retry-after'];
      return {
        status: res.status,
        retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
        body: typeof res.data === 'string' ? res.data : '',
        durationMs: Math.round(performance.now() - started),
      };
    } catch (err) {
      const message = axios.isAxiosError(err) ? `${err.code ?? 'ERR'}: ${err.message}` : String(err);
      return { body: '', durationMs: Math.round(performance.now() - started), error: message };
    }
  };
}
