// What npm start, the Docker images and the benchmarks run: the esbuild bundles on plain node.
// Builds them, starts the whole stack from them and pushes events through it — so a bundle that
// lost a path (migrations, the console's files) or a module fails here, not in production.
import { execFileSync } from 'node:child_process';
import { ROOT, type Stack, startStack, waitFor } from '@dtg/testkit';

describe('built bundles (npm run build)', () => {
  let stack: Stack | undefined;
  afterAll(async () => {
    await stack?.close();
  });

  it('run the whole stack: migrations, console, events pushed and applied', async () => {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe' });
    stack = await startStack({ runtime: 'bundle' });
    const s = stack;

    const console_ = await fetch(s.local.url + '/');
    expect(console_.status).toBe(200);
    expect(await console_.text()).toContain('<script type="module"');
    expect((await fetch(s.cloud.url + '/readyz')).status).toBe(200);
    expect((await fetch(s.local.url + '/readyz')).status).toBe(200);

    const res = await s.admin('POST', `/admin/tenants/${s.tenant.id}/test-events`, { count: 25 });
    expect(res.status).toBe(202);
    await waitFor(async () => Number((await s.pg.query('SELECT count(*)::int AS n FROM processed_events')).rows[0].n) === 25, '25 applied');
  });
});
