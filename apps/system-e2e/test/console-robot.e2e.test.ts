// The console's channel choice in a real browser across real processes: a notification sent as a
// robot chat goes out through the robot's batchSend (not asyncsend_v2), and its page says so and
// fills with receipts from readStatus.
import { withFailureScreenshot } from './support/chromium';
import { composeToEngineering, signInToConsole, useBrowserStack } from './support/browser-stack';
import { type Stack, startStack, waitFor, simControl } from '@dtg/testkit';

const simLog = (stack: Stack, pathPrefix: string) =>
  simControl<{ body: unknown }[]>(stack.sim.url, 'GET', `/requests?pathPrefix=${encodeURIComponent(pathPrefix)}`);

describe('the console sends by robot', () => {
  const env = useBrowserStack(() => startStack());

  it('when an admin picks “Robot chat” on the Send page, then batchSend carries it, no work notification is sent, and the message page shows the channel and its receipts', async () => {
    const { page } = env.browser;
    await withFailureScreenshot(page, 'console-robot', async () => {
      await signInToConsole(page, env.stack, 'user001');
      await composeToEngineering(page);
      await page.getByLabel('Send as').selectOption({ label: 'Robot chat' });
      await page.getByLabel('Message type').selectOption('markdown');
      await page.getByLabel('Title').fill('Robot release note');
      await page.getByLabel('Text').fill('**4.3** ships on Friday.');
      await page.getByRole('button', { name: 'Send notification' }).click();

      await page.waitForURL(/#\/messages\/.+/);
      await page.getByRole('heading', { name: 'Robot release note' }).waitFor();
      await page.getByText('via Robot chat').waitFor();
      const sends = await waitFor(async () => {
        const calls = (await simLog(env.stack, '/v1.0/robot/oToMessages/batchSend')).filter((c) => JSON.stringify(c.body).includes('Robot release note'));
        return calls.length > 0 ? calls : undefined;
      }, 'the robot batchSend in the simulator');
      expect(sends[0]?.body).toMatchObject({ msgKey: 'sampleMarkdown' });
      expect(
        (await simLog(env.stack, '/topapi/message/corpconversation/asyncsend_v2')).filter((c) => JSON.stringify(c.body).includes('Robot release note')),
      ).toEqual([]);

      await waitFor(
        async () => {
          await simControl(env.stack.sim.url, 'POST', '/clock', { advanceMs: 5000 });
          return (await page.getByText(/recipients: .*(read|unread)/).count()) > 0;
        },
        'receipts on the message page',
        30_000,
      );
    });
  });
});
