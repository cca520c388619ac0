// A stack of real processes and a Chromium page for one test file: started side by side before its
// tests, both closed after them. allSettled: when one fails (no Chromium on this machine), the other
// is still kept for afterAll to close — a stack left running would keep Jest from exiting.
import type { Page } from 'playwright-core';
import { openBrowser, type BrowserOptions, type BrowserSession } from './chromium';

export interface BrowserStack<S> {
  /** The started stack; only inside tests (after beforeAll). */
  readonly stack: S;
  readonly browser: BrowserSession;
}

export function useBrowserStack<S extends { close(): Promise<void> }>(
  start: () => Promise<S>,
  options: { browser?: BrowserOptions; timeoutMs?: number } = {},
): BrowserStack<S> {
  let stack: S | undefined;
  let browser: BrowserSession | undefined;
  beforeAll(async () => {
    const [started, opened] = await Promise.allSettled([start(), openBrowser(options.browser)]);
    if (started.status === 'fulfilled') stack = started.value;
    if (opened.status === 'fulfilled') browser = opened.value;
    for (const outcome of [started, opened]) if (outcome.status === 'rejected') throw outcome.reason;
    browser?.page.setDefaultTimeout(20_000);
  }, options.timeoutMs ?? 90_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the stack and browser start in beforeAll; use them inside tests');
    return value;
  };
  return {
    get stack() {
      return started(stack);
    },
    get browser() {
      return started(browser);
    },
  };
}

/** Through the store console's button and the simulator's consent page; ends back on the console. */
export async function signInToConsole(page: Page, stack: { local: { url: string } }, userid = 'user001', decision: 'Allow' | 'Deny' = 'Allow'): Promise<void> {
  await page.goto(`${stack.local.url}/`);
  await page.getByRole('link', { name: 'Sign in with DingTalk' }).click();
  await page.getByLabel('Person').selectOption(userid);
  await page.getByRole('button', { name: decision }).click();
  await page.waitForURL(`${stack.local.url}/**`);
}

/** Syncs the directory from the console, then opens the Send page with the Engineering department picked. */
export async function composeToEngineering(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sync directory' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: /Directory synced/ })
    .waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Send' }).click();
  await page.getByRole('heading', { name: 'Send a notification' }).waitFor();
  await page.getByRole('checkbox', { name: 'Engineering' }).check();
}
