// A test double of the cloud gateway, faithful to its contract: `GET /v1/events?after&limit`
// (Bearer API key, `{events, next, lastSeq}` in seq order, `next` = last seq or `after`, `lastSeq` the newest),
// `GET /v1/login-tickets/:ticket` (404 when unknown), `DELETE /v1/user-tokens/:tokenId` (204, recorded),
// `POST /v1/messages` (202 `{id, status}`, the same id again for a repeated Idempotency-Key),
// `POST /v1/media?type=` (multipart, the file in the field `media`; 201 with a media id) and the
// directory sync endpoints.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import busboy from 'busboy';
import { EventsQuerySchema, type LoginTicket, type UserProfile } from '@dtg/contracts';
import express from 'express';
import { loginTicket } from './events';

export interface FakeCloud {
  url: string;
  apiKey: string;
  /** Events the cloud has, any order; served sorted by seq. Typed loosely so tests can add invalid ones. */
  events: unknown[];
  /** By the ticket itself, as the cloud looks it up. */
  tickets: Map<string, LoginTicket>;
  /** Ids of the user tokens revoked through DELETE /v1/user-tokens/:tokenId, in order. */
  revokedTokens: string[];
  /**
   * Who "signs in with DingTalk" at `GET /auth/dingtalk` (the browser's side of the cloud's login):
   * a ticket for them, bound like the cloud binds it, goes back to returnTo. Unset: error=access_denied.
   */
  signInAs?: UserProfile;
  /** Every returnTo a browser was sent back to, in order. */
  returns: string[];
  /** While true every request answers 503. */
  down: boolean;
  /** Requests received (method + path with query), for assertions. */
  requests: string[];
  /** Every POST /v1/messages with its Idempotency-Key and body. */
  sends: { key: string | undefined; body: unknown }[];
  /** When set, POST /v1/messages answers this status with a problem body instead of accepting. */
  refuseSends?: number;
  /** Every POST /v1/media as the cloud parsed it: the multipart file's name, type, byte count and SHA-256. */
  uploads: { type: string; contentLength: number; filename: string; mimeType: string; size: number; sha256: string }[];
  /** When set, POST /v1/media answers this problem instead of accepting. */
  refuseUploads?: { status: number; code: string; detail: string };
  close(): Promise<void>;
}

/** `port` 0 picks a free one; a test reopens a closed cloud on its old port to simulate an outage. */
export async function startFakeCloud(port = 0, apiKey = 'dtg_test_cloud_key_0123456789'): Promise<FakeCloud> {
  const app = express();
  const state: Omit<FakeCloud, 'url' | 'close'> = {
    apiKey,
    events: [],
    tickets: new Map(),
    revokedTokens: [],
    down: false,
    requests: [],
    sends: [],
    uploads: [],
    returns: [],
  };
  const accepted = new Map<string, string>();
  let messages = 0;
  app.get('/auth/dingtalk', (req, res) => {
    const returnTo = new URL(String(req.query['returnTo']));
    state.returns.push(returnTo.toString());
    const person = (state as FakeCloud).signInAs;
    if (!person) {
      returnTo.searchParams.set('error', 'access_denied');
      return void res.redirect(302, returnTo.toString());
    }
    const issued = loginTicket(randomBytes(32).toString('base64url'), person, { binding: String(req.query['binding']) });
    state.tickets.set(issued.ticket, issued.data);
    returnTo.searchParams.set('ticket', issued.ticket);
    res.redirect(302, returnTo.toString());
  });
  app.use((req, res, next) => {
    state.requests.push(`${req.method} ${req.originalUrl}`);
    if (state.down) return void res.status(503).json({ code: 'unavailable' });
    if (req.get('authorization') !== `Bearer ${apiKey}`) return void res.status(401).json({ code: 'unauthorized' });
    next();
  });
  app.get('/v1/events', (req, res) => {
    const query = EventsQuerySchema.safeParse(req.query);
    if (!query.success) return void res.status(400).json({ code: 'validation_failed' });
    const { after, limit } = query.data;
    const seqOf = (event: unknown) => Number((event as { seq?: unknown }).seq);
    const page = state.events
      .filter((event) => seqOf(event) > after)
      .sort((a, b) => seqOf(a) - seqOf(b))
      .slice(0, limit);
    const next = page.length > 0 ? seqOf(page.at(-1)) : after;
    res.json({ events: page, next, lastSeq: Math.max(next, ...state.events.map(seqOf)) });
  });
  app.get('/v1/login-tickets/:ticket', (req, res) => {
    const ticket = state.tickets.get(req.params.ticket);
    if (!ticket) return void res.status(404).json({ code: 'not_found' });
    res.json(ticket);
  });
  app.delete('/v1/user-tokens/:tokenId', (req, res) => {
    state.revokedTokens.push(req.params.tokenId);
    res.status(204).end();
  });
  app.post('/v1/messages', express.json(), (req, res) => {
    const key = req.get('idempotency-key');
    state.sends.push({ key, body: req.body });
    if (state.refuseSends) return void res.status(state.refuseSends).json({ code: 'validation_failed', detail: 'refused by the fake cloud' });
    const id = (key && accepted.get(key)) ?? `msg_fake_${++messages}`;
    if (key) accepted.set(key, id);
    res.status(202).json({ id, status: 'queued' });
  });
  app.post('/v1/media', (req, res) => {
    const parser = busboy({ headers: req.headers });
    parser.on('file', (_field, file, info) => {
      const hash = createHash('sha256');
      let size = 0;
      file.on('data', (chunk: Buffer) => {
        size += chunk.length;
        hash.update(chunk);
      });
      file.on('end', () => {
        const upload = {
          type: String(req.query['type']),
          contentLength: Number(req.get('content-length')),
          filename: info.filename,
          mimeType: info.mimeType,
          size,
          sha256: hash.digest('hex'),
        };
        state.uploads.push(upload);
        const refusal = (state as FakeCloud).refuseUploads;
        if (refusal) return void res.status(refusal.status).json({ code: refusal.code, detail: refusal.detail });
        res
          .status(201)
          .json({ mediaId: `@fake${state.uploads.length}`, type: upload.type, filename: upload.filename, size, createdAt: new Date(0).toISOString() });
      });
    });
    req.pipe(parser);
  });
  app.post('/v1/directory/sync', (_req, res) => {
    res.status(202).json({ id: 'sync_fake_1', status: 'running' });
  });
  app.get('/v1/directory/sync/:id', (req, res) => {
    if (req.params.id !== 'sync_fake_1') return void res.status(404).json({ code: 'not_found' });
    res.json({
      id: 'sync_fake_1',
      status: 'completed',
      departmentsSeen: 3,
      usersSeen: 9,
      usersRemoved: 0,
      startedAt: new Date(0).toISOString(),
      finishedAt: new Date(0).toISOString(),
      error: null,
    });
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(port, '127.0.0.1', () => resolve(listening));
  });
  const bound = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  });
}
