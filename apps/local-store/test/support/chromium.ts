// Debian's Chromium driven by playwright-core (no browser download), headless, only 127.0.0.1 reachable.
import { chromium, type Browser, type Page } from 'playwright-core';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

export async function openChromium(): Promise<{ browser: Browser; page: Page; newPage(): Promise<Page> }> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  const context = await browser.newContext();
  return { browser, page: await context.newPage(), newPage: async () => (await browser.newContext()).newPage() };
}
