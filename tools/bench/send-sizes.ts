// bench:send (a): one department send each of 1,000, 10,000 and 100,000 recipients (BENCH_SEND_SIZES)
// through one cloud at DingTalk's 20 QPS — POST → message.dispatched against the quota bound, the
// simulator's 90018 answers, the rows the send wrote in the cloud's SQLite file (by table), the
// cloud's CPU time and its peak RSS during each send — and what each costs per recipient, side by
// side: it should not grow with the size of the send.
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { DEMO, type RequestLogEntry } from '@dtg/dingtalk-sim';
import type { BenchRow } from './bench-support';
import { peakRow, peakRssMb, resetPeak } from './memory';
import type { SendStack } from './send-stack';
import { throttled } from './sim-log';

export const SEND_SIZES = (process.env.BENCH_SEND_SIZES ?? process.env.BENCH_RECIPIENTS ?? '1000,10000,100000').split(',').map(Number);
export const SIM_QPS = 20;
const CHUNK = 100;
/** Each size has its own department: the first `size` bench users are in it. */
const FIRST_DEPT = 90;
/** Users per control-plane call (its bulk limit). */
const BULK = 5000;

export const benchUser = (i: number) => `bench${String(i).padStart(6, '0')}`;
export const text = (content: string) => ({ msgtype: 'text', text: { content } });
const deptOf = (sizeIndex: number) => FIRST_DEPT + sizeIndex;

/** `count` bench users; user i is in the department of every size ≥ i (the sizes sorted ascending). */
export async function addBenchUsers(s: Pick<SendStack, 'simControl'>, count: number, sizes: readonly number[] = [count]): Promise<void> {
  const sorted = [...sizes].sort((a, b) => a - b);
  for (const [k] of sorted.entries()) {
    await s.simControl('POST', `/orgs/${DEMO.corpId}/departments`, { deptId: deptOf(k), name: `Bench ${sorted[k]}`, parentId: 1 });
  }
  for (let from = 1; from <= count; from += BULK) {
    const users = [];
    for (let i = from; i < from + BULK && i <= count; i++) {
      const deptIds = sorted.flatMap((size, k) => (i <= size ? [deptOf(k)] : []));
      users.push({ userid: benchUser(i), name: `Bench ${i}`, deptIds });
    }
    await s.simControl('POST', `/orgs/${DEMO.corpId}/users/bulk`, { users });
  }
}

interface Event {
  seq: number;
  type: string;
  occurredAt: string;
  data: { messageId?: string; taskIds?: number[] };
}

async function cloudJson<T>(s: SendStack, method: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(`${s.cloud.url}${p}`, {
    method,
    headers: { authorization: `Bearer ${s.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as T;
  // A failed call means the bench measured nothing.
  if (!res.ok) throw new Error(`${method} ${p} answered ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

/** Follows the events feed (only new events per poll) until the message's event of this type. */
async function eventOf(s: SendStack, type: string, messageId: string, after: { seq: number }, timeoutMs: number): Promise<Event> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const page = await cloudJson<{ events: Event[]; next: number }>(s, 'GET', `/v1/events?after=${after.seq}&limit=100`);
    after.seq = page.next;
    const hit = page.events.find((e) => e.type === type && e.data.messageId === messageId);
    if (hit) return hit;
    // Every 200 ms: the time is read from the event itself, and polling faster only adds to the cloud CPU being measured.
    if (page.events.length === 0) await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no ${type} of message ${messageId} within ${timeoutMs / 1000} s:\n${s.cloud.tail(20)}`);
}

async function send(
  s: SendStack,
  recipients: object,
  content: string,
  after: { seq: number },
  timeoutMs: number,
): Promise<{ id: string; ms: number; event: Event }> {
  const t0 = Date.now();
  const { id } = await cloudJson<{ id: string }>(s, 'POST', '/v1/messages', { recipients, msg: text(content) });
  const event = await eventOf(s, 'message.dispatched', id, after, timeoutMs);
  // occurredAt is stamped in the transaction that finished dispatching; same machine clock as t0.
  return { id, ms: Date.parse(event.occurredAt) - t0, event };
}

/** Rows per table of the cloud's SQLite file (a second, read-only connection: WAL lets it read beside the cloud). */
function rowCounts(db: Database.Database): Map<string, number> {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_prisma%'")
    .pluck()
    .all() as string[];
  return new Map(tables.map((t) => [t, db.prepare(`SELECT count(*) FROM "${t}"`).pluck().get() as number]));
}

/** User + system CPU time of a process so far, in ms (Linux /proc/<pid>/stat, in clock ticks of 10 ms). */
function cpuMs(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface SizeResult {
  size: number;
  ratio: number;
  rowsPerRecipient: number;
  cpuMsPer1k: number;
  dispatchMsPer1k: number;
}

async function oneSize(s: SendStack, db: Database.Database, size: number, sizeIndex: number, after: { seq: number }, rows: BenchRow[]): Promise<SizeResult> {
  console.log(`send (a): ${size.toLocaleString('en-US')} recipients at ${SIM_QPS} QPS`);
  const label = `${size} recipients`;
  await s.simControl('DELETE', '/requests');
  const before = rowCounts(db);
  const cpuBefore = cpuMs(s.cloud.pid);
  const peakMeasured = resetPeak(s.cloud);
  const calls = Math.ceil(size / CHUNK);
  const boundMs = (calls / SIM_QPS) * 1000;
  const { id, ms, event } = await send(s, { deptIds: [deptOf(sizeIndex)] }, `bench: ${size} recipients`, after, Math.max(120_000, boundMs * 3));
  const cpu = cpuMs(s.cloud.pid) - cpuBefore;
  const peak = peakRssMb(s.cloud);
  const grown = [...rowCounts(db)].map(([t, n]) => [t, n - (before.get(t) ?? 0)] as const).filter(([, d]) => d !== 0);
  const written = grown.reduce((sum, [, d]) => sum + d, 0);
  const log = await s.simControl<RequestLogEntry[]>('GET', '/requests');
  const sends = log.filter((e) => e.path.endsWith('/asyncsend_v2')).length;
  const limited = log.filter(throttled).length;
  const ratio = ms / boundMs;
  // The bound for 100,000; the smaller sends keep the 1.10 they had (a fixed start-up cost weighs more).
  const maxRatio = size >= 100_000 ? 1.05 : 1.1;
  rows.push({ metric: `${label}: asyncsend_v2 calls (acknowledged)`, value: `${sends} (${event.data.taskIds?.length ?? 0})`, unit: 'calls' });
  rows.push({ metric: `${label}: quota bound (${calls} calls / ${SIM_QPS} QPS)`, value: boundMs, unit: 'ms' });
  rows.push({ metric: `${label}: POST → message.dispatched`, value: ms, unit: 'ms' });
  rows.push({
    metric: `${label}: dispatch time / quota bound`,
    value: Math.round(ratio * 100) / 100,
    unit: '×',
    target: `≤ ${maxRatio.toFixed(2)}`,
    verdict: ratio <= maxRatio ? 'met' : 'missed',
  });
  rows.push({ metric: `${label}: sim 90018 / QpsLimit answers`, value: limited, unit: '', target: '0', verdict: limited === 0 ? 'met' : 'missed' });
  const byTable = grown.map(([t, d]) => `${t} ${Number((d / size).toPrecision(2))}`).join(', ');
  rows.push({ metric: `${label}: new rows per recipient`, value: Math.round((written / size) * 1000) / 1000, unit: 'rows' });
  rows.push({ metric: `${label}: new rows per recipient, by table`, value: byTable, unit: '' });
  rows.push({ metric: `${label}: cloud CPU during the send`, value: cpu, unit: 'ms' });
  rows.push(peakRow(`${label}: cloud peak RSS during the send${peakMeasured ? '' : ' (since start: peak reset refused)'}`, 'cloud', peak));
  // The receipt polls of this send spend the same 20 QPS as the next send (a 10,000 one made the
  // 100,000 one 1.28× its bound): the next size starts once this message is completed.
  await eventOf(s, 'message.completed', id, { seq: event.seq }, Math.max(180_000, boundMs * 4));
  return { size, ratio, rowsPerRecipient: written / size, cpuMsPer1k: (cpu / size) * 1000, dispatchMsPer1k: (ms / size) * 1000 };
}

/** The sends one after another on one stack (bench users already added), then the per-recipient costs side by side. */
export async function sizedSends(s: SendStack, rows: BenchRow[]): Promise<void> {
  const largest = Math.max(...SEND_SIZES);
  // DingTalk's 5,000 recipients per minute per sender would silently forbid most of them; this measures the QPS bound.
  await s.simControl('PATCH', '/config', { recipientsPerMinute: largest * 10 });
  const after = { seq: 0 };
  // Warm-up: the app token is fetched and the code paths are compiled before the timed sends.
  await send(s, { userIds: ['user001'] }, 'bench warm-up', after, 120_000);
  const db = new Database(s.dbFile, { readonly: true, fileMustExist: true });
  try {
    const sorted = [...SEND_SIZES].sort((a, b) => a - b);
    const results: SizeResult[] = [];
    for (const [k, size] of sorted.entries()) results.push(await oneSize(s, db, size, k, after, rows));
    const side = (f: (r: SizeResult) => number, digits = 2) =>
      results.map((r) => (Math.round(f(r) * 10 ** digits) / 10 ** digits).toLocaleString('en-US')).join(' / ');
    const sizes = results.map((r) => r.size.toLocaleString('en-US')).join(' / ');
    rows.push({ metric: `per recipient, ${sizes}: new rows`, value: side((r) => r.rowsPerRecipient, 3), unit: 'rows' });
    rows.push({ metric: `per 1,000 recipients, ${sizes}: cloud CPU`, value: side((r) => r.cpuMsPer1k, 0), unit: 'ms' });
    rows.push({ metric: `per 1,000 recipients, ${sizes}: dispatch time`, value: side((r) => r.dispatchMsPer1k, 0), unit: 'ms' });
    rows.push({ metric: `dispatch time / quota bound, ${sizes}`, value: side((r) => r.ratio), unit: '×' });
  } finally {
    db.close();
  }
}
