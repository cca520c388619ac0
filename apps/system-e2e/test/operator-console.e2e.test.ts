// The operator console in Chromium across real processes (simulator, cloud, local store): an
// operator created with the CLI signs in, sees the tenant whose store is down flagged with a growing
// lag, resends its dead delivery once the store is back and sees it delivered, rotates the webhook
// secret, and finds each action in the audit log; a viewer is refused every change (403, nothing
// written). The tenants list and the tenant's page are saved as the README's pictures.
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, startDrillStack, waitFor, type DrillStack } from '@dtg/testkit';
import { adminCli, cliEnv } from './support/admin-cli';
import { saveScreenshot, withFailureScreenshot } from './support/chromium';
import { useBrowserStack } from './support/browser-stack';

/** The README shows these two pictures; the test keeps them current. */
const README_PICTURES = path.join(ROOT, 'docs', 'operator-console');

async function createOperator(stack: DrillStack, name: string, role: 'admin' | 'viewer'): Promise<string> {
  const created = await adminCli<{ username: string; password: string }>(cliEnv(stack), ['operator', 'create', '--name', name, '--role', role]);
  expect(created.code).toBe(0);
  return created.json.password;
}

async function signIn(page: Page, stack: DrillStack, username: string, password: string): Promise<void> {
  await page.goto(`${stack.cloud.url}/admin/console`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Tenants' }).waitFor();
}

async function auditCount(stack: DrillStack): Promise<number> {
  const { json } = await adminCli<{ items: unknown[] }>(cliEnv(stack), ['audit', 'list', '--limit', '500']);
  return json.items.length;
}

describe('the operator console in a browser', () => {
  const env = useBrowserStack(() => startDrillStack({ cloudEnv: { WEBHOOK_RETRY_SCHEDULE: '300ms,600ms' } }), { timeoutMs: 120_000 });

  it('when the store is down, then its tenant is flagged with a growing lag; its dead delivery is resent once the store is back, the secret rotated, and every action is in the audit log', async () => {
    const { page } = env.browser;
    const tenantId = env.stack.tenant.id;
    const password = await createOperator(env.stack, 'olivia', 'admin');
    await withFailureScreenshot(page, 'operator-console', async () => {
      await signIn(page, env.stack, 'olivia', password);
      const row = page.locator(`tr[data-tenant="${tenantId}"]`);
      await row.getByText('Healthy').waitFor();

      await env.stack.local.kill('SIGKILL');
      expect((await env.stack.admin('POST', `/admin/tenants/${tenantId}/test-events`, { count: 1, note: 'store down' })).status).toBe(202);
      await row.getByText('Failing').waitFor();
      const lagSeconds = async () => Number(((await row.locator('td').nth(2).textContent()) ?? '').replace(/\D/g, ''));
      const firstLag = await lagSeconds();
      await waitFor(async () => (await lagSeconds()) > firstLag, 'the lag shown to grow', 15_000);
      await saveScreenshot(page, 'operator-tenants', { fullPage: false });

      await env.stack.local.start();
      await row.getByRole('link').click();
      await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
      const dead = page.locator('tr[data-delivery]', { has: page.locator('[data-status="dead"]') });
      await dead.getByRole('button', { name: 'Attempts' }).click();
      await dead
        .getByRole('cell', { name: /ECONNREFUSED|connect/i })
        .first()
        .waitFor();
      const deliveryId = await dead.getAttribute('data-delivery');
      await dead.getByRole('button', { name: 'Resend' }).click();
      await page.locator(`tr[data-delivery="${deliveryId}"] [data-status="delivered"]`).waitFor();
      await page.getByText('Healthy').first().waitFor();

      await page.locator('.chart canvas').first().waitFor();
      // The README's picture: the top of the page (health and the last 24 h), before a secret is on it.
      await page.locator('h1 [data-health="ok"]').waitFor();
      await page.evaluate('window.scrollTo(0, 0)');
      await saveScreenshot(page, 'operator-tenant', { fullPage: false });
      await page.getByRole('button', { name: 'Run tenant check' }).click();
      await page.locator('#check-result table').waitFor();
      await page.getByRole('button', { name: 'Rotate webhook secret' }).click();
      const secret = await page.locator('[data-secret]').textContent();
      expect(secret).toMatch(/^whsec_/);

      await page.getByRole('link', { name: 'Deliveries and jobs' }).click();
      await page.getByRole('heading', { name: 'DingTalk calls since the cloud started' }).waitFor();
      await page.getByText('No dead delivery.').waitFor();

      await page.getByRole('link', { name: 'Audit log' }).click();
      for (const action of ['operator.sign-in', 'delivery.resend', 'tenant.check', 'tenant.rotate-secret']) {
        await page.locator(`tr[data-action="${action}"]`).filter({ hasText: 'olivia' }).first().waitFor();
      }
      expect(await page.locator('#audit-list').textContent()).not.toContain(secret ?? 'whsec_');
    });
    mkdirSync(README_PICTURES, { recursive: true });
    for (const name of ['operator-tenants', 'operator-tenant'])
      copyFileSync(path.join(ROOT, '.data', 'e2e-screenshots', `${name}.png`), path.join(README_PICTURES, `${name}.png`));
    expect(env.browser.pageErrors).toEqual([]);
  }, 120_000);

  it('when a viewer signs in, then the console shows no change controls and every change is refused 403 with nothing written', async () => {
    const password = await createOperator(env.stack, 'victor', 'viewer');
    const context = await env.browser.browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    try {
      await signIn(page, env.stack, 'victor', password);
      await page.locator(`tr[data-tenant="${env.stack.tenant.id}"]`).getByRole('link').click();
      await page.getByText('You are a viewer').waitFor();
      expect(await page.getByRole('button', { name: 'Suspend' }).count()).toBe(0);

      const before = { audit: await auditCount(env.stack), tenant: (await env.stack.admin('GET', `/admin/tenants/${env.stack.tenant.id}`)).body };
      const { csrfToken } = (await (await page.request.get(`${env.stack.cloud.url}/admin/session`)).json()) as { csrfToken: string };
      const base = `${env.stack.cloud.url}/admin/tenants/${env.stack.tenant.id}`;
      const headers = { 'x-csrf-token': csrfToken };
      const answers = [
        await page.request.patch(base, { headers, data: { name: 'Changed by a viewer' } }),
        await page.request.post(`${base}/suspend`, { headers }),
        await page.request.post(`${base}/rotate-secret`, { headers }),
        await page.request.post(`${base}/api-keys`, { headers, data: { name: 'viewer key' } }),
        await page.request.post(`${base}/replay`, { headers, data: { fromSeq: 1 } }),
        await page.request.post(`${env.stack.cloud.url}/admin/deliveries/dlv_any/resend`, { headers }),
      ].map((res) => res.status());
      expect(answers).toEqual([403, 403, 403, 403, 403, 403]);
      expect(await auditCount(env.stack)).toBe(before.audit);
      expect((await env.stack.admin('GET', `/admin/tenants/${env.stack.tenant.id}`)).body).toEqual(before.tenant);
    } finally {
      await context.close();
    }
  }, 120_000);
});
