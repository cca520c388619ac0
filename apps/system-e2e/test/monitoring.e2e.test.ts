// The alert rules and the dashboard shipped under deploy/ name only metrics the services export,
// and the figures behind the page-worthy alerts move when the trouble they describe happens (real
// processes: the simulator, the cloud and the local store).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { DEMO } from '@dtg/dingtalk-sim';
import { call, ROOT, startStack, waitFor, type Stack } from '@dtg/testkit';

const METRICS_TOKEN = randomBytes(24).toString('base64url');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}

const rules = (parse(readFileSync(path.join(ROOT, 'deploy/prometheus/alerts.yml'), 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups.flatMap(
  (g) => g.rules,
);
const dashboard = JSON.parse(readFileSync(path.join(ROOT, 'deploy/grafana/dtg-overview.json'), 'utf8')) as {
  panels: { title: string; targets: { expr: string }[] }[];
};

/** Metric names in a PromQL expression: every one of ours carries one of these prefixes. */
const metricsIn = (expr: string): string[] => [...expr.matchAll(/\b(?:dtg|dingtalk|suite|cloud|local_store|http)_[a-z0-9_]+/g)].map((m) => m[0]);

async function scrape(base: string): Promise<string> {
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
}

/** Names a scrape exports: every `# TYPE`, with a histogram's _bucket/_sum/_count series. */
function exported(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name = '', type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

/** The value of one series, e.g. `dtg_deliveries{tenant="…",status="pending"}`. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('monitoring shipped under deploy/', () => {
  let stack: Stack;
  beforeAll(async () => {
    // With the demo suite configured, as an ISV deployment runs: the suite ticket's age is exported then.
    stack = await startStack({
      cloudEnv: { METRICS_TOKEN, SUITE_KEY: DEMO.suite.suiteKey, SUITE_SECRET: DEMO.suite.suiteSecret },
      localEnv: { METRICS_TOKEN },
    });
  }, 120_000);
  afterAll(() => stack.close());

  it('every alert has a severity, a summary and a description, and names only metrics the services export', async () => {
    expect(rules.length).toBeGreaterThanOrEqual(8);
    for (const rule of rules) {
      expect([
        rule.alert,
        ['page', 'ticket'].includes(rule.labels.severity),
        rule.annotations.summary.length > 0,
        rule.annotations.description.length > 0,
      ]).toEqual([rule.alert, true, true, true]);
    }
    const names = new Set([...exported(await scrape(stack.cloud.url)), ...exported(await scrape(stack.local.url))]);
    const used = [...rules.map((r) => r.expr), ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr))].flatMap(metricsIn);
    expect(used.length).toBeGreaterThan(20);
    expect([...new Set(used)].filter((name) => !names.has(name))).toEqual([]);
  });

  it('a store that cannot be reached shows as delivery lag and pending pushes for its tenant; DingTalk calls are counted by result', async () => {
    // A lookup makes DingTalk calls: the token, then the user.
    expect((await call(stack.cloud.url, 'GET', '/v1/users/user002', { token: stack.tenant.apiKey })).status).toBe(200);
    const calls = await scrape(stack.cloud.url);
    expect(sample(calls, 'dingtalk_api_calls_total', { api: '/topapi/v2/user/get', result: 'ok' })).toBeGreaterThanOrEqual(1);

    await stack.local.kill();
    expect((await stack.admin('POST', `/admin/tenants/${stack.tenant.id}/test-events`, { count: 1 })).status).toBe(202);
    const lag = await waitFor(
      async () => {
        const text = await scrape(stack.cloud.url);
        const seconds = sample(text, 'dtg_delivery_lag_seconds', { tenant: stack.tenant.id });
        return seconds !== undefined && seconds > 0
          ? {
              seconds,
              pending:
                (sample(text, 'dtg_deliveries', { tenant: stack.tenant.id, status: 'pending' }) ?? 0) +
                (sample(text, 'dtg_deliveries', { tenant: stack.tenant.id, status: 'delivering' }) ?? 0),
            }
          : undefined;
      },
      'delivery lag for the tenant',
      20_000,
    );
    expect(lag.pending).toBeGreaterThanOrEqual(1);
  });
});
