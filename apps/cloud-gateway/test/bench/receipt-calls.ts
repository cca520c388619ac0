// What one work notification costs in DingTalk API calls over its first 24 h, by API — run by
// `npm run bench:send` (tools/bench/send.ts spawns this file with tsx and reads the JSON it prints).
// It lives beside the cloud's tests because a day cannot pass in a benchmark: the cloud runs
// in-process with its clock moved together with the simulator's, on the production receipt
// settings, and every job due at each step is run before the next one.
import { DEMO } from '@dtg/dingtalk-sim';
import { AcceptedMessageSchema } from '@dtg/contracts';
import { startMessagingStack, text, type MessagingStack } from '../support/messaging-stack';

const DAY_MS = 24 * 3_600_000;
const DEPT = 95;

/** Fine steps while receipts come quickly, coarse ones once polls are hours apart. */
function* steps(): Generator<number> {
  let t = 0;
  while (t < DAY_MS) {
    const step = t < 120_000 ? 1_000 : t < 3_600_000 ? 30_000 : 300_000;
    t += step;
    yield step;
  }
}

async function addPeople(s: MessagingStack, count: number, prefix: string): Promise<void> {
  await s.sim.sim.addDepartment(DEMO.corpId, { deptId: DEPT, name: 'Receipts', parentId: 1 });
  for (let i = 1; i <= count; i++) {
    await s.sim.sim.addUser(DEMO.corpId, { userid: `${prefix}${String(i).padStart(6, '0')}`, name: `R ${i}`, deptIds: [DEPT] });
  }
}

async function measure(recipients: number): Promise<Record<string, number>> {
  // The production receipt settings (the stack's own are shortened for tests). The QPS limit is
  // raised so a day of polls is not spent waiting on it (it changes no count), and so is the
  // 5,000 recipients a minute, which would forbid half of a 10,000 send and spare their read polls.
  const s = await startMessagingStack({ productionReceipts: true, simConfig: { defaultQps: 2_000, recipientsPerMinute: 1_000_000 } });
  try {
    await addPeople(s, recipients, 'rc');
    s.sim.sim.clearRequestLog();
    const sent = await s.send({ recipients: { deptIds: [DEPT] }, msg: text('Receipt cost') });
    const { id } = AcceptedMessageSchema.parse(sent.body);
    await s.waitForEvent('message.dispatched', id, { timeoutMs: 120_000 });
    for (const step of steps()) {
      s.clock.offsetMs += step;
      s.sim.sim.clock.advance(step);
      await s.cloud.services.jobs.drain();
    }
    const byApi: Record<string, number> = {};
    for (const entry of s.sim.sim.requestLog()) {
      const api = entry.path.replace(/^\/(topapi|v1\.0)\//, '').replace(/\?.*$/, '');
      byApi[api] = (byApi[api] ?? 0) + 1;
    }
    return byApi;
  } finally {
    await s.close();
  }
}

async function main(): Promise<void> {
  const sizes = (process.argv[2] ?? '100,1000,10000').split(',').map(Number);
  const out: Record<string, Record<string, number>> = {};
  for (const n of sizes) out[String(n)] = await measure(n);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
