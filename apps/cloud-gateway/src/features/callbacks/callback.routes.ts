// DingTalk's encrypted HTTP pushes: POST /callbacks/dingtalk?tenant=<id> (an internal app) and
// POST /callbacks/dingtalk/suite (the suite configured in env). Public: the signature is the auth.
import type { Router, Response } from 'express';
import { Counter } from 'prom-client';
import { z } from 'zod';
import type { ApiRegistry, ApiRouteSpec, InputSchemas, Registry } from '@dtg/service-kit';
import type { CloudServices } from '../../services';
import { registerSuiteTicketGauge } from '../dingtalk/suite-ticket-alarm';
import { appEndpoint, suiteEndpoint, type CallbackEndpoint } from './callback-endpoint';
import { CallbackRejected } from './callback-verifier';

const Digits = z.string().regex(/^\d{1,16}$/, 'must be digits (ms or s since the epoch)');
const Signature = z.string().min(1).max(128);

const signedFields = {
  signature: Signature.optional(),
  msg_signature: Signature.optional(),
  timestamp: Digits.optional(),
  timeStamp: Digits.optional(),
  nonce: z.string().min(1).max(128),
};

/** DingTalk spells them signature/timestamp, some senders msg_signature/timeStamp: either is taken. */
function normalise<Q extends { signature?: string; msg_signature?: string; timestamp?: string; timeStamp?: string }>(q: Q, ctx: z.RefinementCtx) {
  const signature = q.signature ?? q.msg_signature;
  const timestamp = q.timestamp ?? q.timeStamp;
  if (signature === undefined) ctx.addIssue({ code: 'custom', path: ['signature'], message: 'signature (or msg_signature) is required' });
  if (timestamp === undefined) ctx.addIssue({ code: 'custom', path: ['timestamp'], message: 'timestamp (or timeStamp) is required' });
  if (signature === undefined || timestamp === undefined) return z.NEVER;
  return { ...q, signature, timestamp };
}

const AppQuerySchema = z
  .object({ ...signedFields, tenant: z.string().min(1).max(64).describe('The tenant whose internal app this URL was registered for') })
  .transform(normalise);
const SuiteQuerySchema = z.object(signedFields).transform(normalise);
const BodySchema = z.object({
  encrypt: z
    .string()
    .min(1)
    .max(1_000_000)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64'),
});
const ReplySchema = z.object({ msg_signature: z.string(), timeStamp: z.string(), nonce: z.string(), encrypt: z.string() });
const responses = {
  200: { description: 'The encrypted `success` DingTalk requires (the event is stored and processed asynchronously, once)', schema: ReplySchema },
  400: { description: 'Not a DingTalk callback (missing parameters, body not {encrypt}, payload without EventType)' },
  401: { description: 'Signature mismatch, timestamp outside the window, replayed nonce, or encrypted for another key/owner' },
  404: { description: 'No callback settings for this tenant / no suite configured' },
};

export function callbackRoutes(s: CloudServices, api: ApiRegistry, registry: Registry): Router {
  const router = api.router('/callbacks/dingtalk');
  const counter = new Counter({
    name: 'dingtalk_callbacks_total',
    help: 'DingTalk callback pushes by endpoint and result (accepted, duplicate, verified, ignored, or the rejection reason)',
    labelNames: ['endpoint', 'result'],
    registers: [registry],
  });
  // The ticket arrives through these routes, so its staleness gauge is registered with them.
  if (s.dingtalk.suite) registerSuiteTicketGauge(registry, { suiteKey: s.dingtalk.suite.suiteKey, tickets: s.dingtalk.tickets, now: s.callbacks.now });
  const spec = <S extends InputSchemas>(x: { path: string; summary: string; input: S }): ApiRouteSpec<S> => ({
    ...x,
    method: 'post',
    tags: ['callbacks'],
    security: [],
    responses,
  });

  async function answer(endpoint: CallbackEndpoint, query: { signature: string; timestamp: string; nonce: string }, encrypt: string, res: Response) {
    try {
      const accepted = await s.callbacks.inbox.accept(endpoint, { signature: query.signature, timestamp: query.timestamp, nonce: query.nonce, encrypt });
      counter.inc({ endpoint: endpoint.kind, result: accepted.result });
      res.json(accepted.reply);
    } catch (err) {
      if (err instanceof CallbackRejected) counter.inc({ endpoint: endpoint.kind, result: err.reason });
      throw err;
    }
  }

  api.add(
    router,
    spec({ path: '/callbacks/dingtalk', summary: 'Event callbacks of a tenant’s internal DingTalk app', input: { query: AppQuerySchema, body: BodySchema } }),
    async ({ query, body }, _req, res) => {
      await answer(await appEndpoint(s.tenants, query.tenant), query, body.encrypt, res);
    },
  );
  api.add(
    router,
    spec({
      path: '/callbacks/dingtalk/suite',
      summary: 'Event callbacks of the third-party suite (tickets, authorisations, contacts)',
      input: { query: SuiteQuerySchema, body: BodySchema },
    }),
    async ({ query, body }, _req, res) => {
      await answer(suiteEndpoint(s.config), query, body.encrypt, res);
    },
  );
  return router;
}
