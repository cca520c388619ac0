import { EventEnvelopeSchema, WebhookAckSchema } from '@dtg/contracts';
import { unauthorized, type ApiRegistry } from '@dtg/service-kit';
import { verifyWebhook, WebhookSignatureError } from '@dtg/webhook-signing';
import { Router, type ErrorRequestHandler, type Request } from 'express';
import type { Access } from '../../http/access';
import type { EventIngest } from './event-ingest.service';

export const WEBHOOK_PATH = '/webhooks/cloud';
/**
 * The largest push the store takes. Events are small except a message's `message.dispatched` and
 * `message.completed`, which list every recipient (~40 bytes each): 32 MB is ~800,000 recipients.
 */
export const WEBHOOK_BODY_LIMIT = '32mb';

/**
 * POST /webhooks/cloud. The signature is checked on the exact bytes received before anything is
 * read or written; a rejected delivery leaves no trace but a log line.
 */
export function eventsRoutes(
  api: ApiRegistry,
  access: Access,
  ingest: EventIngest,
  secrets: readonly string[],
): { router: Router; bodyErrors: ErrorRequestHandler } {
  const receive = async (req: Request, body: unknown, isJson: boolean) => {
    const raw = (req.rawBody ?? Buffer.alloc(0)).toString('utf8');
    try {
      verifyWebhook(raw, req.headers, secrets);
    } catch (error) {
      if (error instanceof WebhookSignatureError) throw unauthorized(`Webhook rejected: ${error.reason}.`);
      throw error;
    }
    return ingest.ingestPushed(body, raw, isJson);
  };

  // Documented, not validated by the registry: an envelope that fails the schema is parked, not refused.
  api.document({
    ...access.webhook,
    method: 'post',
    path: WEBHOOK_PATH,
    summary: 'Receive one event pushed by the cloud gateway (Standard Webhooks signature over the raw body).',
    tags: ['delivery'],
    input: { body: EventEnvelopeSchema },
    responses: {
      200: { description: 'Applied, already applied (duplicate), or parked as permanently invalid.', schema: WebhookAckSchema },
      401: { description: 'Missing, unknown, stale or tampered signature; nothing was written.' },
      500: { description: 'Could not be applied now (e.g. database down); retry.' },
    },
  });
  const router = Router();
  router.post(WEBHOOK_PATH, async (req, res, next) => {
    try {
      res.json({ status: await receive(req, req.body, true) });
    } catch (error) {
      next(error);
    }
  });

  // A correctly signed body that is not JSON is the cloud's permanent mistake: park it (2xx) so
  // it stops being retried; unsigned garbage still gets a 401 from receive(). The JSON parser runs
  // before any router, so this must be mounted on the app (Express routes never see a pending error).
  const bodyErrors: ErrorRequestHandler = (error, req, res, next) => {
    const unparseable = (error as { type?: unknown }).type === 'entity.parse.failed';
    if (!unparseable || req.method !== 'POST' || req.rawBody === undefined) return next(error);
    receive(req, undefined, false).then((status) => res.json({ status }), next);
  };
  return { router, bodyErrors };
}
