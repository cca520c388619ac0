// `npm run soak [-- <drill>…]`: the long versions of the delivery fault drills that `npm test` runs
// small (apps/system-e2e/test/faults-delivery.e2e.test.ts and spine.e2e.test.ts). Each drill gets
// a fresh stack on a private Postgres, so no database server is needed. Prints one line per drill
// and exits non-zero if any promise was broken.
//   kill-cloud, kill-local, restart-postgres: 10,000 events (SOAK_EVENTS), disrupted at 20 %
//   outage: the store cut off for 60 s (SOAK_OUTAGE) while 50 events/s are produced; catch-up ≤ 30 s
import { parseDurationMs } from '@dtg/service-kit';
import { type Disruption, disruptionDrill, type DrillStack, outageDrill, startDrillStack } from '@dtg/testkit';

const EVENTS = Number(process.env.SOAK_EVENTS ?? 10_000);
const OUTAGE_MS = parseDurationMs(process.env.SOAK_OUTAGE ?? '60s') ?? 60_000;
const CATCH_UP_TARGET_MS = 30_000;
const DISRUPTIONS: Disruption[] = ['kill-cloud', 'kill-local', 'restart-postgres'];
const DRILLS = [...DISRUPTIONS, 'outage'] as const;
type Drill = (typeof DRILLS)[number];

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function withStack<T>(options: Parameters<typeof startDrillStack>[0], fn: (stack: DrillStack) => Promise<T>): Promise<T> {
  const stack = await startDrillStack({ privatePostgres: true, logLevel: 'error', ...options });
  try {
    return await fn(stack);
  } catch (err) {
    console.error(`--- cloud ---\n${stack.cloud.tail(20)}\n--- local ---\n${stack.local.tail(20)}`);
    throw err;
  } finally {
    await stack.close();
  }
}

async function run(drill: Drill): Promise<string> {
  if (drill === 'outage') {
    // The product's own delivery timing (retry schedule, pull interval), not the compressed one
    // the e2e stacks use: "caught up within 30 s" must hold for a real deployment.
    const r = await withStack({ gates: true, timing: 'product' }, (stack) => outageDrill(stack, { outageMs: OUTAGE_MS, perSecond: 50, timeoutMs: 180_000 }));
    if (r.catchUpMs > CATCH_UP_TARGET_MS)
      throw new Error(`caught up ${seconds(r.catchUpMs)} after the network returned (target ≤ ${seconds(CATCH_UP_TARGET_MS)})`);
    return `${r.events} events produced during a ${seconds(OUTAGE_MS)} outage; all applied once, ${seconds(r.catchUpMs)} after the network returned (target ≤ 30 s)`;
  }
  const r = await withStack({}, (stack) => disruptionDrill(stack, { events: EVENTS, disruption: drill, disruptAt: 0.2, downMs: 3000, timeoutMs: 600_000 }));
  return `${r.events} events, disrupted at ${r.appliedAtDisruption} applied; all applied once ${seconds(r.recoveryMs)} after recovery (${seconds(r.totalMs)} in all)`;
}

async function main(): Promise<number> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((a) => !(DRILLS as readonly string[]).includes(a));
  if (unknown.length > 0) {
    console.error(`unknown drill(s): ${unknown.join(', ')}; choose from ${DRILLS.join(', ')}`);
    return 2;
  }
  const drills = asked.length > 0 ? (asked as Drill[]) : [...DRILLS];
  let failed = 0;
  for (const drill of drills) {
    const started = performance.now();
    try {
      console.log(`ok    ${drill.padEnd(17)} ${await run(drill)}`);
    } catch (err) {
      failed += 1;
      console.log(`FAIL  ${drill.padEnd(17)} ${err instanceof Error ? err.message : String(err)}`);
    }
    console.log(`      (${seconds(performance.now() - started)} with start-up)`);
  }
  console.log(`${drills.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
