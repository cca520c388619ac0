// What a login or sync left behind, on both sides: the cloud's event log (the source of truth for
// what the local store will be told) and the local store's rows.
import { EventsPageSchema, type EventEnvelope } from '@dtg/contracts';
import { call, count, type Stack, waitFor } from '@dtg/testkit';

export async function cloudEvents(stack: Stack, after = 0): Promise<EventEnvelope[]> {
  const events: EventEnvelope[] = [];
  for (let cursor = after; ;) {
    const reply = await call(stack.cloud.url, 'GET', `/v1/events?after=${cursor}&limit=1000`, { token: stack.tenant.apiKey });
    if (reply.status !== 200) throw new Error(`GET /v1/events answered ${reply.status}`);
    const page = EventsPageSchema.parse(reply.body);
    events.push(...(page.events as EventEnvelope[]));
    if (page.next === cursor) return events;
    cursor = page.next;
  }
}

/** Waits until the local store has settled every event the cloud has for the tenant; returns that seq. */
export async function settled(stack: Stack, timeoutMs = 30_000): Promise<number> {
  const events = await cloudEvents(stack);
  const last = events.at(-1)?.seq ?? 0;
  await waitFor(
    async () => {
      const { rows } = await stack.pg.query<{ seq: number }>('SELECT seq FROM delivery_cursor WHERE tenant_id = $1', [stack.tenant.id]);
      return (rows[0]?.seq ?? 0) >= last;
    },
    `local store settled up to seq ${last}`,
    timeoutMs,
  );
  return last;
}

export interface LocalRows {
  seq: number;
  sessions: number;
  tickets: number;
  users: number;
}

export async function localRows(stack: Stack): Promise<LocalRows> {
  const seq = await settled(stack);
  return {
    seq,
    sessions: await count(stack.pg, 'sessions'),
    tickets: await count(stack.pg, 'login_tickets'),
    users: await count(stack.pg, 'users'),
  };
}
