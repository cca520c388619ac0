// The console in a real browser (Chromium) across real processes: sign in through the simulator's
// DingTalk login page, sync the directory, send a notification to a department, watch its receipts
// arrive without reloading, issue and revoke a service token, sign out. Assertions go through what a person sees: roles, labels, text.
import type { Page } from 'playwright-core';
import { saveScreenshot, withFailureScreenshot } from './support/chromium';
import { awaitReceipts } from './support/receipts';
import { signInToConsole, useBrowserStack } from './support/browser-stack';
import { startStack, waitFor } from '@dtg/testkit';

/** The number on a receipt tile ("62" over "Read"). */
async function tileValue(page: Page, label: string): Promise<number> {
  const tile = page
    .getByRole('region', { name: 'Receipts' })
    .getByRole('listitem')
    .filter({ has: page.getByText(label, { exact: true }) });
  return Number((await tile.textContent())?.replace(/\D/g, ''));
}

describe('the console in a browser', () => {
  const env = useBrowserStack(() => startStack());

  it('when an admin signs in, syncs, sends to a department and waits, then the receipts appear live; a service token is issued and revoked; sign out ends the session', async () => {
    const { page } = env.browser;
    await withFailureScreenshot(page, 'console-flow', async () => {
      await signInToConsole(page, env.stack, 'user001');
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      expect(new URL(page.url()).searchParams.has('ticket')).toBe(false);
      const admin = (await env.stack.pg.query<{ name: string }>("SELECT name FROM users WHERE userid = 'user001'")).rows[0];
      expect(await page.getByRole('banner').textContent()).toContain(admin?.name);

      await page.getByRole('button', { name: 'Sync directory' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: /Directory synced: 11 departments, 200 people/ })
        .waitFor();
      await page.getByRole('region', { name: 'Departments' }).getByText('Engineering').waitFor();
      await page.getByRole('cell', { name: 'user020' }).waitFor();
      await page.getByLabel('Search people').fill('user150');
      await page.getByRole('cell', { name: 'user150' }).waitFor();
      await waitFor(async () => (await page.getByRole('cell', { name: 'user001' }).count()) === 0, 'the search to narrow the list', 10_000);

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Send' }).click();
      await page.getByRole('heading', { name: 'Send a notification' }).waitFor();
      await page.getByRole('checkbox', { name: 'Engineering' }).check();
      await page.getByLabel('Message type').selectOption('text');
      const content = page.getByLabel('Content');
      await content.fill('界'.repeat(700));
      await page.getByText(/DingTalk accepts at most 2,048/).waitFor();
      await content.fill('Release 4.2 goes out tonight at 22:00. Please merge before 20:00.');
      await page.getByText(/DingTalk accepts at most 2,048/).waitFor({ state: 'hidden' });
      await page.getByRole('button', { name: 'Send notification' }).click();

      await page.waitForURL(/#\/messages\/.+/);
      // The console sends through the store: the page shows the store's id; receipts are stored under the cloud's.
      const localId = decodeURIComponent(page.url().split('#/messages/')[1] ?? '');
      expect(localId).toMatch(/^lmsg_/);
      const messageId = await waitFor(
        async () => (await env.stack.pg.query<{ id: string }>('SELECT id FROM messages WHERE local_id = $1', [localId])).rows[0]?.id,
        'the send relayed to the cloud',
      );
      await page.getByRole('heading', { name: 'Text notification' }).waitFor();
      await page.getByText('Release 4.2 goes out tonight').waitFor();
      await page.evaluate('window.notReloaded = true');
      const stored = await awaitReceipts(env.stack, messageId);
      const recipients = Object.values(stored).reduce((a, b) => a + b, 0);
      expect(recipients).toBeGreaterThan(10);
      // The page's own polling brings the receipts in: no reload.
      await page.getByText(new RegExp(`^${recipients} recipients: ${stored.read} read, ${stored.unread} unread`)).waitFor();
      expect(await page.evaluate('window.notReloaded')).toBe(true);
      expect(await tileValue(page, 'Read')).toBe(stored.read);
      expect(await tileValue(page, 'Unread')).toBe(stored.unread);
      expect(
        await page
          .getByRole('row')
          .filter({ has: page.getByText('Read', { exact: true }) })
          .count(),
      ).toBe(stored.read);
      // The README's walkthrough picture (docs/console-receipts.png) is this screenshot.
      await page.mouse.move(0, 0);
      await saveScreenshot(page, 'console-receipts', { fullPage: false });
      // A group's rows come from the store (GET /api/messages/:id/recipients?status=unread).
      await page.getByRole('radio', { name: /^Unread/ }).check();
      await waitFor(async () => (await page.getByRole('row').count()) === (stored.unread ?? 0) + 1, 'the unread group from the store', 10_000);

      await page.getByRole('link', { name: 'Messages' }).first().click();
      await page.getByRole('row').filter({ hasText: 'Completed' }).filter({ hasText: 'Text' }).waitFor();
      expect(await page.getByRole('row').count()).toBe(2);

      // A service token, issued and revoked on the console's own page.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Service tokens' }).click();
      await page.getByLabel('What it is for').fill('intranet directory');
      await page.getByRole('checkbox', { name: /directory:read/ }).check();
      await page.getByRole('button', { name: 'Issue token' }).click();
      const secret = (await page.getByLabel('The new token').textContent()) ?? '';
      expect(secret).toMatch(/^dtgs_/);
      const withToken = () => fetch(`${env.stack.local.url}/api/users?limit=1`, { headers: { authorization: `Bearer ${secret}` } }).then((res) => res.status);
      expect(await withToken()).toBe(200);
      page.once('dialog', (dialog) => void dialog.accept());
      await page.getByRole('button', { name: 'Revoke intranet directory' }).click();
      await page.getByRole('status').filter({ hasText: 'is revoked' }).waitFor();
      expect(await withToken()).toBe(401);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('link', { name: 'Sign in with DingTalk' }).waitFor();
      expect(await page.evaluate(async () => (await fetch('/api/me')).status)).toBe(401);
      expect(await page.evaluate('sessionStorage.length')).toBe(0);
    });
    expect(env.browser.pageErrors).toEqual([]);
  }, 90_000);

  it('when the sign-in is declined, comes from outside the org, or a member who is not an admin syncs, then the console says so', async () => {
    const { page } = env.browser;
    await env.browser.context.clearCookies();
    await withFailureScreenshot(page, 'console-refusals', async () => {
      await signInToConsole(page, env.stack, 'user001', 'Deny');
      await page.getByRole('alert').filter({ hasText: 'You declined the sign-in on DingTalk' }).waitFor();
      expect(new URL(page.url()).searchParams.has('error')).toBe(false);

      await signInToConsole(page, env.stack, 'outsider01');
      await page.getByRole('alert').filter({ hasText: 'not a member of this organisation' }).waitFor();
      await page.getByRole('link', { name: 'Sign in with DingTalk' }).waitFor();

      await signInToConsole(page, env.stack, 'user002');
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      expect(await page.getByRole('link', { name: 'Service tokens' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Sync directory' }).click();
      await page.getByRole('status').filter({ hasText: 'Only an organisation admin can sync the directory' }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('link', { name: 'Sign in with DingTalk' }).waitFor();
    });
    expect(env.browser.pageErrors).toEqual([]);
  }, 60_000);

  it('when the API docs and the sign-in error page are opened, then they render under their CSP without a violation', async () => {
    const { page } = env.browser;
    await withFailureScreenshot(page, 'html-pages-csp', async () => {
      for (const [url, operation] of [
        [`${env.stack.cloud.url}/docs`, '/v1/messages'],
        [`${env.stack.local.url}/docs`, '/api/session'],
      ] as const) {
        await page.goto(url);
        // Swagger UI (its bundle and our init script, both from this origin) ran and rendered the operations.
        await page.locator(`.opblock-summary-path[data-path="${operation}"]`).first().waitFor();
      }
      await page.goto(`${env.stack.cloud.url}/auth/dingtalk?tenant=ten_nobody&returnTo=${encodeURIComponent(`${env.stack.local.url}/`)}`);
      await page.getByRole('heading', { name: 'Sign-in with DingTalk failed' }).waitFor();
      // The inline style applied (the policy allows it by hash): the page is centred, not full width.
      expect(await page.evaluate('getComputedStyle(document.body).maxWidth')).not.toBe('none');
    });
    expect(env.browser.pageErrors).toEqual([]);
  });

  describe('login CSRF: an attacker’s sign-in opened in a victim’s browser (issue #17 item 7)', () => {
    /** A browser of its own (cookies, storage): the attacker's or the victim's. */
    async function ownBrowser(): Promise<{ page: Page; close: () => Promise<void> }> {
      const context = await env.browser.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      return { page, close: () => context.close() };
    }

    /**
     * The attacker signs in as themselves in their own browser, up to DingTalk's answer to their
     * consent: the redirect to the cloud's callback (code and state) is taken, not followed.
     */
    async function attackersCallback(attacker: { page: Page }): Promise<string> {
      let callbackUrl: string | undefined;
      await attacker.page.route(
        (url) => url.origin === env.stack.sim.url,
        async (route) => {
          if (route.request().method() !== 'POST') return route.continue();
          const answer = await route.fetch({ maxRedirects: 0 });
          callbackUrl = answer.headers()['location'];
          await route.fulfill({ status: 200, contentType: 'text/html', body: '<p>stopped before the callback</p>' });
        },
      );
      await attacker.page.goto(`${env.stack.local.url}/`);
      await attacker.page.getByRole('link', { name: 'Sign in with DingTalk' }).click();
      await attacker.page.getByLabel('Person').selectOption('user003');
      await attacker.page.getByRole('button', { name: 'Allow' }).click();
      return waitFor(() => callbackUrl, 'the attacker’s callback URL', 20_000);
    }

    /** The attacker's browser runs the callback (its nonce cookie goes along) but does not follow it back to the store: the finished return URL. */
    async function attackersReturnUrl(attacker: { page: Page }): Promise<string> {
      const end = await attacker.page.request.get(await attackersCallback(attacker), { maxRedirects: 0 });
      expect(end.status()).toBe(302);
      return end.headers()['location'] ?? '';
    }

    const sessionsOf = async (userid: string) =>
      (await env.stack.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions WHERE userid = $1', [userid])).rows[0]?.n;

    it('when the victim opens the attacker’s finished return URL (?ticket=), then the victim is not signed in as the attacker; their own sign-in still works', async () => {
      const attacker = await ownBrowser();
      const returnUrl = await attackersReturnUrl(attacker).finally(() => attacker.close());
      expect(new URL(returnUrl).searchParams.get('ticket')).toBeTruthy();
      const victim = await ownBrowser();
      try {
        await withFailureScreenshot(victim.page, 'login-csrf-ticket', async () => {
          await victim.page.goto(returnUrl);
          await victim.page.getByRole('alert').filter({ hasText: 'started in another browser' }).waitFor();
          await victim.page.getByRole('link', { name: 'Sign in with DingTalk' }).waitFor();
          expect(await victim.page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(false);
          expect(await sessionsOf('user003')).toBe(0);
          expect((await victim.page.request.get(`${env.stack.local.url}/api/me`)).status()).toBe(401);

          await signInToConsole(victim.page, env.stack, 'user002');
          await victim.page.getByRole('button', { name: 'Sign out' }).waitFor();
          const name = (await env.stack.pg.query<{ name: string }>("SELECT name FROM users WHERE userid = 'user002'")).rows[0]?.name ?? '';
          expect(await victim.page.getByRole('banner').textContent()).toContain(name);
          expect(await sessionsOf('user003')).toBe(0);
        });
      } finally {
        await victim.close();
      }
    }, 90_000);

    it('when the victim opens the attacker’s DingTalk callback URL (code and state), then the cloud refuses it and the victim is not signed in as the attacker', async () => {
      const attacker = await ownBrowser();
      const callbackUrl = await attackersCallback(attacker).finally(() => attacker.close());
      expect(new URL(callbackUrl).origin + new URL(callbackUrl).pathname).toBe(`${env.stack.cloud.url}/auth/dingtalk/callback`);
      const victim = await ownBrowser();
      try {
        await withFailureScreenshot(victim.page, 'login-csrf-callback', async () => {
          const answer = await victim.page.goto(callbackUrl);
          expect(answer?.status()).toBe(400);
          await victim.page.getByRole('heading', { name: 'Sign-in with DingTalk failed' }).waitFor();
          await victim.page.getByText('started in another browser').waitFor();
          expect(new URL(victim.page.url()).origin).toBe(env.stack.cloud.url);
          expect(await sessionsOf('user003')).toBe(0);
          await victim.page.goto(`${env.stack.local.url}/`);
          await victim.page.getByRole('link', { name: 'Sign in with DingTalk' }).waitFor();
          expect((await victim.page.request.get(`${env.stack.local.url}/api/me`)).status()).toBe(401);
        });
      } finally {
        await victim.close();
      }
    }, 90_000);
  });
});
