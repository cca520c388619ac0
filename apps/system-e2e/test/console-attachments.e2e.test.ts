// Attachments in the console, in Chromium across real processes: the Send page refuses a file
// DingTalk would not take before uploading anything, then uploads an image through the store
// (POST /api/media → the cloud's POST /v1/media → the simulator's /media/upload) and sends an image
// message with the media id it got. The simulator receives the very bytes the person picked.
import { createHash, randomBytes } from 'node:crypto';
import { type Stack, startStack, waitFor } from '@dtg/testkit';
import { withFailureScreenshot } from './support/chromium';
import { composeToEngineering, signInToConsole, useBrowserStack } from './support/browser-stack';

interface SimMedia {
  mediaId: string;
  type: string;
  filename: string;
  size: number;
  sha256: string;
}
interface SimTask {
  msgtype: string;
  msg: { image?: { media_id: string } };
  recipients: string[];
}

const simGet = async <T>(stack: Stack, path: string): Promise<T> => (await (await fetch(`${stack.sim.url}/_sim${path}`)).json()) as T;

describe('attachments in the console', () => {
  const env = useBrowserStack(() => startStack());

  it('when a person attaches a file DingTalk does not take, then the page says so and uploads nothing; an image is uploaded through the store and sent', async () => {
    const { page } = env.browser;
    await withFailureScreenshot(page, 'console-attachments', async () => {
      await signInToConsole(page, env.stack);
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      await composeToEngineering(page);
      await page.getByLabel('Message type').selectOption('image');
      const picker = page.getByLabel('Image', { exact: true });
      await picker.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') });
      await page.getByText('DingTalk takes only .jpg, .jpeg, .gif, .png, .bmp here.').waitFor();
      await page.getByRole('button', { name: 'Send notification' }).click();
      await page.getByText('Please fix the problem marked above before sending.').waitFor();
      expect(await simGet<SimMedia[]>(env.stack, '/media')).toEqual([]);

      const bytes = randomBytes(200_000);
      await picker.setInputFiles({ name: 'release chart.png', mimeType: 'image/png', buffer: bytes });
      await page.getByText('DingTalk takes only .jpg, .jpeg, .gif, .png, .bmp here.').waitFor({ state: 'hidden' });
      await page.getByRole('button', { name: 'Send notification' }).click();
      await page.waitForURL(/#\/messages\/.+/);

      const [media] = await simGet<SimMedia[]>(env.stack, '/media');
      expect(media).toMatchObject({
        type: 'image',
        filename: 'release chart.png',
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
      const task = await waitFor(
        async () => (await simGet<SimTask[]>(env.stack, `/tasks`)).find((t) => t.msgtype === 'image'),
        'the image message at DingTalk',
        30_000,
      );
      expect(task.msg.image?.media_id).toBe(media?.mediaId);
      expect(task.recipients.length).toBeGreaterThan(10);
      expect(env.browser.pageErrors).toEqual([]);
    });
  }, 120_000);
});
