// DingTalk's limits held by the replicas together (issue #22), Postgres only: three clouds on ONE
// database in front of one simulator. Each cloud alone keeps the limits already (its in-process token
// dedupe and rate limiter); what is tested here is that three of them do not spend them three times.
// The verdicts come from the simulator's own request log: what "DingTalk" saw, not how long it took.
import { randomBytes } from 'node:crypto';
import { DEMO, startSimulator, type RunningSim, type RequestLogEntry } from '@dtg/dingtalk-sim';
import { call, METRICS_TOKEN, migratedDatabaseUrl, startCloud, type CloudHarness } from './support/cloud-harness';
import { dropTestDatabase } from './support/test-database';

jest.setTimeout(60_000);

const TOKEN_PATHS = /^\/(gettoken|v1\.0\/oauth2\/(accessToken|[^/]+\/token))$/;
const JSAPI_TICKET_PATHS = /^\/(get_jsapi_ticket|v1\.0\/oauth2\/jsapiTickets)$/;
const USER_GET = '/topapi/v2/user/get';
const PAGE_ORIGIN = 'http://127.0.0.1:3000';
const userid = (i: number) => `user${String((i % 200) + 1).padStart(3, '0')}`;

interface Replicas {
  sim: RunningSim;
  clouds: CloudHarness[];
  apiKey: string;
  tenantId: string;
  close(): Promise<void>;
}

async function startReplicas(qps: number): Promise<Replicas> {
  const sim = await startSimulator({ port: 0 });
  const databaseUrl = await migratedDatabaseUrl();
  // One deployment: the replicas share the database and so must share its key (and every other secret).
  const env = {
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    USER_TOKEN_SECRET: randomBytes(32).toString('hex'),
    DINGTALK_LOGIN_URL: sim.url,
    DINGTALK_API_URL: sim.url,
    DINGTALK_OAPI_URL: sim.url,
    DINGTALK_QPS: String(qps),
  };
  // Nothing here delivers webhooks: no dispatcher, so the replicas only differ in the requests they take.
  // Started one after the other: what is tested is their DingTalk calls, not a start-up race.
  const clouds: CloudHarness[] = [];
  for (let i = 0; i < 3; i++) clouds.push(await startCloud({ databaseUrl, env, dispatcher: false }));
  const created = await call(clouds[0]!, 'POST', '/admin/tenants', {
    name: 'Demo Org',
    corpId: DEMO.corpId,
    appKey: DEMO.app.appKey,
    appSecret: DEMO.app.appSecret,
    agentId: DEMO.app.agentId,
    returnUrls: [`${PAGE_ORIGIN}/back`],
  });
  if (created.status !== 201) throw new Error(`tenant creation failed: ${JSON.stringify(created.body)}`);
  const { apiKey, tenant } = created.body as { apiKey: { key: string }; tenant: { id: string } };
  return {
    sim,
    clouds,
    apiKey: apiKey.key,
    tenantId: tenant.id,
    async close() {
      await Promise.all(clouds.map((c) => c.close()));
      await sim.close();
      await dropTestDatabase(databaseUrl);
    },
  };
}

/** `count` user lookups at once, spread round-robin over the replicas; every answer must be a 200. */
async function lookUpUsers(r: Replicas, count: number): Promise<void> {
  const statuses = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const cloud = r.clouds[i % r.clouds.length]!;
      const res = await fetch(`${cloud.url}/v1/users/${userid(i)}`, { headers: { authorization: `Bearer ${r.apiKey}` } });
      await res.arrayBuffer();
      return res.status;
    }),
  );
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
}

/** The most requests the log shows inside any one second (a sliding window over arrival times). */
function busiestSecond(entries: RequestLogEntry[]): number {
  const times = entries.map((e) => e.atMs).sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= 1000) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe('three replicas on one Postgres database', () => {
  let r: Replicas | undefined;
  afterEach(async () => {
    await r?.close();
    r = undefined;
  });

  it("when the three replicas append one tenant's events at once, then its seqs run 1..N with no gap and no repeat", async () => {
    r = await startReplicas(20);
    const { tenantId, clouds } = r;
    // 3 replicas × 10 appends of 50 at once: the tenant's row lock orders the writers of every replica.
    await Promise.all(Array.from({ length: 30 }, (_, i) => clouds[i % 3]!.services.pingEvents.emit(tenantId, 50)));
    const seqs = (await clouds[1]!.services.db.event.findMany({ where: { tenantId }, select: { seq: true }, orderBy: { seq: 'asc' } })).map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: 1_500 }, (_, i) => i + 1));
    expect((await clouds[2]!.services.db.tenant.findUniqueOrThrow({ where: { id: tenantId } })).lastSeq).toBe(1_500);
  });

  it('when 1,000 lookups arrive at the three replicas at once on a cold token cache, then DingTalk sees exactly one token request', async () => {
    r = await startReplicas(1000);
    // This test is about tokens: the simulator's own QPS limit is raised out of the way (DINGTALK_QPS caps at 1,000).
    r.sim.sim.setRateLimits({ defaultQps: 1_000_000 });
    const tokenRequests = () => r!.sim.sim.requestLog().filter((e) => TOKEN_PATHS.test(e.path));
    expect(tokenRequests()).toEqual([]);

    await lookUpUsers(r, 1000);

    expect(tokenRequests()).toHaveLength(1);
    // Every replica called DingTalk with that one token (the sim refuses unknown tokens, so all 1,000 answered 200 above).
    expect(r.sim.sim.requestLog({ pathPrefix: USER_GET }).length).toBeGreaterThanOrEqual(200);
  });

  it('when 300 H5 pages ask the three replicas for a JSAPI signature at once on a cold cache, then DingTalk sees one token and one ticket request', async () => {
    // The ticket's fetch needs the access token: a section (jsapi:…) with another inside it (app:…), on every replica at once.
    r = await startReplicas(1000);
    r.sim.sim.setRateLimits({ defaultQps: 1_000_000 });
    const statuses = await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const res = await fetch(`${r!.clouds[i % 3]!.url}/v1/jsapi-signatures`, {
          method: 'POST',
          headers: { authorization: `Bearer ${r!.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ url: `${PAGE_ORIGIN}/page` }),
        });
        await res.arrayBuffer();
        return res.status;
      }),
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const log = r.sim.sim.requestLog();
    expect(log.filter((e) => TOKEN_PATHS.test(e.path))).toHaveLength(1);
    expect(log.filter((e) => JSAPI_TICKET_PATHS.test(e.path))).toHaveLength(1);
  });

  it('when calls for one app and API go through three replicas at DINGTALK_QPS=20, then DingTalk never answers 90018 and sees them at 20 per second', async () => {
    r = await startReplicas(20);
    // 60 different people (no profile cache hit), 20 per replica: alone, each replica would send its
    // 20 back to back at 20 QPS, together 60 in the first second, 40 past the simulator's bucket of 20.
    await lookUpUsers(r, 60);

    const calls = r.sim.sim.requestLog({ pathPrefix: USER_GET });
    // Exactly one request per lookup: a 90018 would have been retried, and shows as a second request.
    expect(calls).toHaveLength(60);
    expect(calls.filter((e) => e.httpStatus !== 200 || (e.errcode ?? 0) !== 0)).toEqual([]);
    // Spaced 50 ms apart by the shared slots: the 60 take 59 intervals from first to last arrival,
    // less how late the first arrived after its slot (HTTP and an event loop shared with two other
    // replicas: up to ~5 intervals on a loaded 2-core CI machine, which failed a 1-interval margin
    // once), where three replicas each spacing only their own would send them all in about one second.
    const arrivals = calls.map((e) => e.atMs).sort((a, b) => a - b);
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(54 * 50);
    // No second holds more than 20, give or take jitter: a call reaches the simulator after its slot
    // (HTTP, a busy event loop), never before, so a window that starts on a late call can take a few
    // more — on a loaded 2-core CI machine a call came ~150 ms late and a second held 23. The sim's
    // bucket above absorbs that, as DingTalk's does (no 90018 above). Without sharing: 40 to 60.
    expect(busiestSecond(calls)).toBeLessThanOrEqual(25);

    // The replicas held calls back, and their metrics say so.
    const waits = await Promise.all(
      r.clouds.map(async (c) => {
        const text = await (await fetch(`${c.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
        const line = text.split('\n').find((l) => l.startsWith(`dingtalk_rate_limit_waits_total{api="${USER_GET}",`));
        return Number(line?.split(' ').pop() ?? 0);
      }),
    );
    // Every replica held calls back, and all but the very first call could have waited.
    expect(waits.every((w) => w > 0)).toBe(true);
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(59);
  });
});
