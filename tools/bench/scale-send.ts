// bench:scale (d): 10,000 recipients sent through 3 replicas at DingTalk's 20 QPS (the simulator's
// limit). One message is dispatched by one replica's job, so the recipients go as 10 department
// sends of 1,000, posted round-robin to the replicas at once: each replica dispatches some. Measured
// as bench:send (a) measures one cloud: first POST → last message.dispatched against the quota bound
// (chunks / QPS), and the simulator's 90018 answers. Replicas that each keep 20 QPS to themselves
// send up to 3 × 20 QPS together: the 90018s show it until the limit is global.
import { DEMO, type RequestLogEntry } from '@dtg/dingtalk-sim';
import { simControl, type ReplicaStack } from '@dtg/testkit';
import type { BenchRow } from './bench-support';
import { benchUser, SIM_QPS, text } from './send-sizes';
import { throttled } from './sim-log';
import { onStack, postgres } from './scale-stack';

const RECIPIENTS = Number(process.env.BENCH_SCALE_RECIPIENTS ?? 10_000);
const MESSAGES = 10;
const CHUNK = 100;
/** Department of message k (disjoint: user i is in exactly one). */
const FIRST_DEPT = 90;

interface Event {
  seq: number;
  type: string;
  occurredAt: string;
  data: { messageId?: string };
}

async function api<T>(s: ReplicaStack, url: string, method: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${p}`, {
    method,
    headers: { authorization: `Bearer ${s.tenant.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${p} answered ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

/** Follows the events feed until every message has its message.dispatched; returns the latest occurredAt. */
async function lastDispatched(s: ReplicaStack, ids: Set<string>, timeoutMs: number): Promise<number> {
  const url = s.clouds[0]?.url ?? '';
  const waiting = new Set(ids);
  let after = 0;
  let last = 0;
  const deadline = Date.now() + timeoutMs;
  while (waiting.size > 0) {
    if (Date.now() > deadline) throw new Error(`${waiting.size} messages not dispatched within ${timeoutMs / 1000} s`);
    const page = await api<{ events: Event[]; next: number }>(s, url, 'GET', `/v1/events?after=${after}&limit=1000`);
    after = page.next;
    for (const e of page.events) {
      if (e.type !== 'message.dispatched' || !e.data.messageId || !waiting.delete(e.data.messageId)) continue;
      last = Math.max(last, Date.parse(e.occurredAt));
    }
    // The time is read from the events themselves; polling faster only adds load to what is measured.
    if (page.events.length === 0) await new Promise((r) => setTimeout(r, 200));
  }
  return last;
}

async function addDepartments(s: ReplicaStack): Promise<void> {
  const perMessage = RECIPIENTS / MESSAGES;
  for (let k = 0; k < MESSAGES; k++) {
    await simControl(s.sim.url, 'POST', `/orgs/${DEMO.corpId}/departments`, { deptId: FIRST_DEPT + k, name: `Scale ${k}`, parentId: 1 });
  }
  for (let from = 1; from <= RECIPIENTS; from += 5000) {
    const users = [];
    for (let i = from; i < from + 5000 && i <= RECIPIENTS; i++)
      users.push({ userid: benchUser(i), name: `Bench ${i}`, deptIds: [FIRST_DEPT + Math.floor((i - 1) / perMessage)] });
    await simControl(s.sim.url, 'POST', `/orgs/${DEMO.corpId}/users/bulk`, { users });
  }
}

export async function sendThroughReplicas(rows: BenchRow[]): Promise<void> {
  const setup = postgres(3);
  console.log(`scale (d): ${RECIPIENTS} recipients in ${MESSAGES} messages through ${setup.label} at ${SIM_QPS} QPS`);
  await onStack(setup, async (s) => {
    await addDepartments(s);
    await simControl(s.sim.url, 'PUT', '/rate-limits', { defaultQps: SIM_QPS });
    // DingTalk's 5,000 recipients per minute per sender would forbid most of them; this measures the QPS bound.
    await simControl(s.sim.url, 'PATCH', '/config', { recipientsPerMinute: RECIPIENTS * 10 });
    // Warm-up through each replica (code paths, pools; a replica's token if it dispatches one).
    const warm = await Promise.all(
      s.clouds.map((c, i) => api<{ id: string }>(s, c.url, 'POST', '/v1/messages', { recipients: { userIds: ['user001'] }, msg: text(`warm-up ${i}`) })),
    );
    await lastDispatched(s, new Set(warm.map((w) => w.id)), 120_000);
    await simControl(s.sim.url, 'DELETE', '/requests');
    const t0 = Date.now();
    const sent = await Promise.all(
      Array.from({ length: MESSAGES }, (_, k) => {
        const cloud = s.clouds[k % s.clouds.length]?.url ?? '';
        return api<{ id: string }>(s, cloud, 'POST', '/v1/messages', { recipients: { deptIds: [FIRST_DEPT + k] }, msg: text(`scale send ${k}`) });
      }),
    );
    const chunks = Math.ceil(RECIPIENTS / CHUNK);
    const boundMs = (chunks / SIM_QPS) * 1000;
    const ms = (await lastDispatched(s, new Set(sent.map((m) => m.id)), Math.max(180_000, boundMs * 6))) - t0;
    const log = await simControl<RequestLogEntry[]>(s.sim.url, 'GET', '/requests');
    const limited = log.filter(throttled).length;
    const ratio = Math.round((ms / boundMs) * 100) / 100;
    const label = `(d) ${RECIPIENTS} recipients via ${setup.label}`;
    rows.push({ metric: `${label}: asyncsend_v2 calls`, value: log.filter((e) => e.path.endsWith('/asyncsend_v2')).length, unit: 'calls' });
    rows.push({ metric: `${label}: quota bound (${chunks} chunks / ${SIM_QPS} QPS)`, value: boundMs, unit: 'ms' });
    rows.push({ metric: `${label}: first POST → last message.dispatched`, value: ms, unit: 'ms' });
    rows.push({ metric: `${label}: dispatch time / quota bound`, value: ratio, unit: '×', target: '≤ 1.10', verdict: ratio <= 1.1 ? 'met' : 'missed' });
    rows.push({ metric: `${label}: sim 90018 / QpsLimit answers`, value: limited, unit: '', target: '0', verdict: limited === 0 ? 'met' : 'missed' });
  });
}
