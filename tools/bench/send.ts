// `npx tsx tools/bench/send.ts`: work notifications through the cloud against the DingTalk
// simulator, in process — POST /v1/messages acceptance, then one large department send
// (expansion, quota guard, chunks under the client's 20 QPS limit, receipts to message.completed).
import { DEMO } from '@dtg/dingtalk-sim';
import { startMessagingStack, text, type MessagingStack } from '../../apps/cloud-gateway/test/support/messaging-stack';
import { percentile, progress, report, type BenchRow } from './bench-support';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200);
const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 2_000);
const CONCURRENCY = 10;
const BENCH_DEPT = 90;

async function acceptance(s: MessagingStack, rows: BenchRow[]): Promise<void> {
  const latencies: number[] = [];
  const ids: string[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < MESSAGES; i = next++) {
        const started = performance.now();
        const res = await s.send({ recipients: { userIds: [`user${String((i % 200) + 1).padStart(3, '0')}`] }, msg: text(`bench ${i}`) });
        latencies.push(performance.now() - started);
        if (res.status !== 202) throw new Error(`POST /v1/messages answered ${res.status}`);
        ids.push((res.body as { id: string }).id);
      }
    }),
  );
  const acceptedS = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  rows.push({ metric: 'accept rate (10 concurrent clients)', value: Math.round(MESSAGES / acceptedS), unit: 'msg/s' });
  rows.push({ metric: 'POST /v1/messages p50', value: percentile(latencies, 50), unit: 'ms' });
  rows.push({ metric: 'POST /v1/messages p99', value: percentile(latencies, 99), unit: 'ms' });
  const db = s.cloud.services.db;
  for (;;) {
    const done = await db.message.count({ where: { id: { in: ids }, status: 'completed' } });
    progress('completed', done, MESSAGES);
    if (done === MESSAGES) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  rows.push({ metric: `${MESSAGES} single-user messages, POST → all completed`, value: Math.round((performance.now() - t0) / 100) / 10, unit: 's' });
}

async function largeSend(s: MessagingStack, rows: BenchRow[]): Promise<void> {
  s.sim.sim.addDepartment(DEMO.corpId, { deptId: BENCH_DEPT, name: 'Bench', parentId: 1 });
  for (let i = 1; i <= RECIPIENTS; i++) s.sim.sim.addUser(DEMO.corpId, { userid: `bench${i}`, name: `Bench ${i}`, deptIds: [BENCH_DEPT] });
  const t0 = performance.now();
  const res = await s.send({ recipients: { deptIds: [BENCH_DEPT] }, msg: text('bench: everyone in the department') });
  const id = (res.body as { id: string }).id;
  // Watch the message row, not the events API: re-reading every event would load the run it measures.
  const reached = async (statuses: string[]) => {
    for (;;) {
      const row = await s.cloud.services.db.message.findUniqueOrThrow({ where: { id }, select: { status: true } });
      if (statuses.includes(row.status)) return (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const dispatchedS = await reached(['sent', 'completed']);
  const completedS = await reached(['completed']);
  const chunks = await s.cloud.services.db.messageChunk.count({ where: { messageId: id, taskId: { not: null } } });
  rows.push({ metric: `${RECIPIENTS} recipients: chunks sent`, value: chunks, unit: 'calls' });
  rows.push({ metric: `${RECIPIENTS} recipients: POST → message.dispatched`, value: Math.round(dispatchedS * 1000), unit: 'ms' });
  rows.push({ metric: 'dispatch rate', value: Math.round(RECIPIENTS / dispatchedS), unit: 'recipients/s' });
  rows.push({ metric: `${RECIPIENTS} recipients: POST → message.completed`, value: Math.round(completedS * 1000), unit: 'ms' });
}

async function main(): Promise<void> {
  const s = await startMessagingStack({
    env: { LOG_LEVEL: 'error', MESSAGE_RECEIPT_SCHEDULE: '200ms,500ms,1s', MESSAGE_READ_POLL_MAX_INTERVAL: '2h', JOB_POLL_INTERVAL: '100ms' },
    simConfig: { taskRunningAfterMs: 100, taskDoneAfterMs: 500 },
  });
  const rows: BenchRow[] = [];
  try {
    await acceptance(s, rows);
    await largeSend(s, rows);
  } finally {
    await s.close();
  }
  report('send', rows);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
