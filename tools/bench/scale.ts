// `npm run bench:scale` (issue #22): the cloud on SQLite (one process) beside the cloud on Postgres
// (1, 2, 3 replicas), every set-up on fresh processes and databases, in one run —
//   (a) POST /v1/messages throughput and p99, connections round-robin over the replicas;
//   (b) push delivery of a burst of 10,000 events to one store;
//   (c) push lag at a steady 500 events/s (p50/p99, target p99 ≤ 500 ms);
//   (d) 10,000 recipients through 3 replicas at DingTalk's 20 QPS: dispatch time vs the quota bound, 90018s;
//   (e) 1,000 concurrent user lookups over 3 replicas on a cold cache: token requests at the simulator.
// (d) and (e) show whether DingTalk's limits hold across replicas: the QPS slots and the token
// lock live in Postgres, so 90018s or one token per replica here would mean they do not.
import { report, withPostgres, type BenchRow } from './bench-support';
import { burst, steady } from './scale-delivery';
import { acceptLoad } from './scale-load';
import { sendThroughReplicas } from './scale-send';
import { postgres, SQLITE_1 } from './scale-stack';
import { lookupsThroughReplicas } from './scale-tokens';

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  await withPostgres(async () => {
    for (const setup of [SQLITE_1, postgres(1), postgres(2)]) await acceptLoad(setup, rows);
    for (const setup of [SQLITE_1, postgres(1), postgres(2)]) await burst(setup, rows);
    // Postgres with 1 replica too: it separates what the database costs from what replicas cost.
    for (const setup of [SQLITE_1, postgres(1), postgres(2)]) await steady(setup, rows);
    await sendThroughReplicas(rows);
    await lookupsThroughReplicas(rows);
  });
  report('scale', rows);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
