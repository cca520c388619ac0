// A test double of the cloud gateway's pull side, faithful to its contract: `GET /v1/events?after&limit`
// (Bearer API key, `{events, next}` in seq order, `next` = last seq or `after`) and
// `GET /v1/login-tickets/:ticket` (404 when unknown) and `DELETE /v1/user-tokens/:tokenId` (204, recorded).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventsQuerySchema, type LoginTicket } from '@dtg/contracts';
import express from 'express';

export interface FakeCloud {
  url: string;
  apiKey: string;
  /** Events the cloud has, any order; served sorted by seq. Typed loosely so tests can add invalid ones. */
  events: unknown[];
  /** By the ticket itself, as the cloud looks it up. */
  tickets: Map<string, LoginTicket>;
  /** Ids of the user tokens revoked through DELETE /v1/user-tokens/:tokenId, in order. */
  revokedTokens: string[];
  /** While true every request answers 503. */
  down: boolean;
  /** Requests received (method + path with query), for assertions. */
  requests: string[];
  close(): Promise<void>;
}

/** `port` 0 picks a free one; a test reopens a closed cloud on its old port to simulate an outage. */
export async function startFakeCloud(port = 0, apiKey = 'dtg_test_cloud_key_0123456789'): Promise<FakeCloud> {
  const app = express();
  const state: Omit<FakeCloud, 'url' | 'close'> = { apiKey, events: [], tickets: new Map(), revokedTokens: [], down: false, requests: [] };
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
    res.json({ events: page, next: page.length > 0 ? seqOf(page.at(-1)) : after });
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
