// `npm run bench:directory`: filtered directory pages (GET /api/users) at 50,000 users and 2,000
// departments, through a service token, one request at a time after a warm-up: p50/p95/p99 per kind
// of filter and overall. Target ≤ 20 ms p99. The directory is seeded straight into Postgres (this
// measures the reads, not the apply path) and analysed, as autovacuum would.
import { loadavg } from 'node:os';
import { createLocalStoreClient } from '@dtg/local-client';
import { GIVEN_NAMES as GIVEN, SURNAMES } from '@dtg/dingtalk-sim';
import { BENCH_ADMIN_TOKEN, BENCH_TENANT, startBenchStore, type BenchStore } from './bench-store';
import { percentile, progress, report, withPostgres, type BenchRow } from './bench-support';

const USERS = Number(process.env.BENCH_USERS ?? 50_000);
const DEPARTMENTS = Number(process.env.BENCH_DEPARTMENTS ?? 2_000);
const REQUESTS = Number(process.env.BENCH_DIRECTORY_REQUESTS ?? 3_000);
const WARMUP = 300;
/** Departments form an 8-ary tree: 1 is the root, depth ~4 at 2,000. */
const FANOUT = 8;

async function seed(store: BenchStore): Promise<void> {
  const sql = (text: string, values: unknown[] = []) => store.pg.query(text, values);
  await sql(
    `INSERT INTO departments (tenant_id, dept_id, name, parent_id, removed, profile_version, removed_version)
     SELECT $1, i, 'Department ' || i, CASE WHEN i = 1 THEN NULL ELSE (i - 2) / $3 + 1 END, false, 1, 1 FROM generate_series(1, $2::int) i`,
    [BENCH_TENANT, DEPARTMENTS, FANOUT],
  );
  // Each user in one department, every fifth in a second; one in twenty has left; changes spread over 30 days.
  await sql(
    `INSERT INTO users (tenant_id, userid, name, job_number, dept_ids, active, profile_version, active_version, updated_at)
     SELECT $1, 'u' || lpad(i::text, 6, '0'),
       ($4::text[])[1 + i % array_length($4::text[], 1)] || ' ' || ($5::text[])[1 + (i / 7) % array_length($5::text[], 1)] || lower(($5::text[])[1 + (i * 13) % array_length($5::text[], 1)]),
       'E' || lpad((i * 37 % 100000)::text, 5, '0'),
       CASE WHEN i % 5 = 0 THEN ARRAY[1 + (i::bigint * 7919) % $3, 1 + (i::bigint * 104729) % $3]::bigint[] ELSE ARRAY[1 + (i::bigint * 7919) % $3]::bigint[] END,
       i % 20 <> 0, 1, 1, now() - make_interval(secs => (i * 51.84) % 2592000)
     FROM generate_series(1, $2::int) i`,
    [BENCH_TENANT, USERS, DEPARTMENTS, SURNAMES, GIVEN],
  );
  // What the apply path writes beside each profile (user-writes.repository: the q search column).
  await sql(`UPDATE users SET search_text = lower(name || ' ' || userid || ' ' || coalesce(job_number, '')) WHERE tenant_id = $1`, [BENCH_TENANT]);
  await sql('VACUUM ANALYZE users');
  await sql('ANALYZE departments');
}

type Kind =
  | 'department'
  | 'department + subtree'
  | 'search (3+ chars)'
  | 'search (1-2 chars)'
  | 'job number prefix'
  | 'updatedSince'
  | 'left (active=false)'
  | 'department + search'
  | 'next page (cursor)';

function randomInt(max: number): number {
  return Math.floor(Math.random() * max);
}

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  await withPostgres(async () => {
    const store = await startBenchStore();
    try {
      console.log(`directory: seeding ${USERS} users in ${DEPARTMENTS} departments`);
      await seed(store);
      const admin = createLocalStoreClient({ baseUrl: store.url, token: BENCH_ADMIN_TOKEN });
      const { secret } = await admin.tokens.create({ name: 'bench', scopes: ['directory:read'] });
      const client = createLocalStoreClient({ baseUrl: store.url, token: secret });
      const cursors: string[] = [];
      const level2 = () => 2 + randomInt(FANOUT);
      const queries: [Kind, () => Parameters<typeof client.users.list>[0]][] = [
        ['department', () => ({ deptId: 1 + randomInt(DEPARTMENTS) })],
        ['department + subtree', () => ({ deptId: Math.random() < 0.2 ? 1 : level2(), includeSubDepartments: true })],
        ['search (3+ chars)', () => ({ q: `${SURNAMES[randomInt(SURNAMES.length)]?.slice(0, 3)}` })],
        ['search (1-2 chars)', () => ({ q: String.fromCharCode(97 + randomInt(26)) + (Math.random() < 0.5 ? String.fromCharCode(97 + randomInt(26)) : '') })],
        ['job number prefix', () => ({ q: `E${randomInt(1000)}` })],
        ['updatedSince', () => ({ updatedSince: new Date(Date.now() - randomInt(30) * 86_400_000) })],
        ['left (active=false)', () => ({ active: false })],
        ['department + search', () => ({ deptId: level2(), includeSubDepartments: true, q: `${GIVEN[randomInt(GIVEN.length)]?.toLowerCase().slice(0, 2)}` })],
        ['next page (cursor)', () => (cursors.length > 0 ? { cursor: cursors[randomInt(cursors.length)] } : { q: 'an' })],
      ];
      const latencies = new Map<Kind, number[]>(queries.map(([kind]) => [kind, []]));
      const all: number[] = [];
      console.log(`directory: ${WARMUP} warm-up and ${REQUESTS} measured pages (limit 50), one at a time`);
      for (let n = 0; n < WARMUP + REQUESTS; n++) {
        const [kind, filter] = queries[n % queries.length] as (typeof queries)[number];
        const started = performance.now();
        const page = await client.users.list({ limit: 50, ...filter() });
        const ms = performance.now() - started;
        if (page.nextCursor && cursors.length < 500) cursors.push(page.nextCursor);
        if (n >= WARMUP) {
          latencies.get(kind)?.push(ms);
          all.push(ms);
          progress('pages', n - WARMUP + 1, REQUESTS);
        }
      }
      // Other work on the machine shows in the tails: the load average says how much there was.
      rows.push({ metric: 'load average (1 min) during the run', value: loadavg()[0] ?? 0, unit: '' });
      const sorted = all.sort((a, b) => a - b);
      const p99 = percentile(sorted, 99);
      rows.push({
        metric: `filtered page p99 (${USERS.toLocaleString('en-US')} users, ${DEPARTMENTS.toLocaleString('en-US')} departments)`,
        value: p99,
        unit: 'ms',
        target: '≤ 20',
        verdict: p99 <= 20 ? 'met' : 'missed',
      });
      rows.push({ metric: 'filtered page p50', value: percentile(sorted, 50), unit: 'ms' });
      rows.push({ metric: 'filtered page p95', value: percentile(sorted, 95), unit: 'ms' });
      for (const [kind, values] of latencies)
        rows.push({
          metric: `  p99 ${kind}`,
          value: percentile(
            values.sort((a, b) => a - b),
            99,
          ),
          unit: 'ms',
        });
      const tree: number[] = [];
      for (let n = 0; n < 30; n++) {
        const started = performance.now();
        await client.departments.tree();
        tree.push(performance.now() - started);
      }
      rows.push({
        metric: 'department tree with member counts, p50 (30 reads)',
        value: percentile(
          tree.sort((a, b) => a - b),
          50,
        ),
        unit: 'ms',
      });
    } finally {
      await store.close();
    }
  });
  report('directory', rows);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
