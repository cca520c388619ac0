// Debian's Chromium (/usr/bin/chromium) driven by playwright-core, which downloads no browser of
// its own. Headless, no sandbox (CI runs as root), and no network beyond 127.0.0.1: every host
// name but 127.0.0.1 resolves to nothing, so the console cannot reach anything outside the stack.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from '@dtg/testkit';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(ROOT, '.data', 'e2e-screenshots');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Errors the page reported: uncaught exceptions, console.error, CSP violations. */
  pageErrors: string[];
  close(): Promise<void>;
}

export interface BrowserOptions {
  /** The browser's language (navigator.language and Accept-Language); en-GB unless told. */
  locale?: string;
  /** The browser's own time zone; Asia/Shanghai unless told. */
  timezoneId?: string;
}

export async function openBrowser(options: BrowserOptions = {}): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing. \`npm test\` installs it (apt-get install chromium) when run as root; install it by hand otherwise.`);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: options.locale ?? 'en-GB',
    timezoneId: options.timezoneId ?? 'Asia/Shanghai',
  });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // Chromium logs every non-2xx answer to fetch(); the console expects some (401 before sign-in).
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(`console: ${message.text()}`);
  });
  return { browser, context, page, pageErrors, close: () => browser.close() };
}

/** Saves a screenshot (the full page unless told otherwise) under .data/e2e-screenshots/ and returns its path. */
export async function saveScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true });
  return file;
}

/** Runs `steps`; when they fail, a screenshot of the page is saved and its path added to the error. */
export async function withFailureScreenshot<T>(page: Page, name: string, steps: () => Promise<T>): Promise<T> {
  try {
    return await steps();
  } catch (error) {
    const file = await saveScreenshot(page, `${name}-failed-${Date.now()}`).catch((shotError: unknown) => `(no screenshot: ${String(shotError)})`);
    if (error instanceof Error) error.message += `\nscreenshot: ${file}\npage url: ${page.url()}`;
    throw error;
  }
}
