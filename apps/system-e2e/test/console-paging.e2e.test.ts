// A message too large for one page, in a real browser across real processes: 600 people in one
// department, sent by API key through the cloud; the store's message page draws the first 500 rows
// it gets with the message and adds the rest with "Show more" (GET /api/messages/:id/recipients).
import { DEMO } from '@dtg/dingtalk-sim';
import { call, simControl, startStack, waitFor } from '@dtg/testkit';
import { signInToConsole, useBrowserStack } from './support/browser-stack';
import { withFailureScreenshot } from './support/chromium';

const PEOPLE = 600;
const DEPT = 77;
const userid = (i: number) => `wh${String(i).padStart(4, '0')}`;

describe('the console pages a large message', () => {
  const env = useBrowserStack(() => startStack());

  it('when a message has 600 recipients, then its page shows 500 rows, and Show more adds the other 100 once', async () => {
    const { page } = env.browser;
    const { stack } = env;
    await withFailureScreenshot(page, 'console-paging', async () => {
      await simControl(stack.sim.url, 'POST', `/orgs/${DEMO.corpId}/departments`, { deptId: DEPT, name: 'Warehouse', parentId: 1 });
      const users = Array.from({ length: PEOPLE }, (_, i) => ({ userid: userid(i + 1), name: `Picker ${i + 1}`, deptIds: [DEPT] }));
      await simControl(stack.sim.url, 'POST', `/orgs/${DEMO.corpId}/users/bulk`, { users });
      const sent = await call<{ id: string }>(stack.cloud.url, 'POST', '/v1/messages', {
        token: stack.tenant.apiKey,
        body: { recipients: { deptIds: [DEPT] }, msg: { msgtype: 'text', text: { content: 'Stocktake at 06:00' } } },
      });
      expect(sent.status).toBe(202);
      // The store knows every recipient once the cloud's message.dispatched has been applied.
      await waitFor(
        async () =>
          Number((await stack.pg.query<{ n: string }>('SELECT count(*) AS n FROM message_recipients WHERE message_id = $1', [sent.body.id])).rows[0]?.n) ===
          PEOPLE,
        'the 600 recipients at the store',
      );

      await signInToConsole(page, stack, 'user001');
      // Within the signed-in page (a reload would start over at the sign-in).
      await page.evaluate(`window.location.hash = ${JSON.stringify(`#/messages/${encodeURIComponent(sent.body.id)}`)}`);
      const table = page.getByRole('table', { name: 'Recipients with their latest status' });
      const rows = table.getByRole('row');
      await waitFor(async () => (await rows.count()) === 500 + 1, 'the first 500 rows', 15_000);
      await page.getByRole('button', { name: 'Show more' }).click();
      await waitFor(async () => (await rows.count()) === PEOPLE + 1, 'all 600 rows after Show more', 15_000);
      await page.getByRole('button', { name: 'Show more' }).waitFor({ state: 'hidden' });
      expect(await table.getByRole('cell', { name: userid(PEOPLE), exact: true }).count()).toBe(1);
      expect(await table.getByRole('cell', { name: userid(1), exact: true }).count()).toBe(1);
    });
    expect(env.browser.pageErrors).toEqual([]);
  }, 120_000);
});
