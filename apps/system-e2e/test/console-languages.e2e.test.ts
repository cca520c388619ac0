// The console walked in Chinese and in English in a real browser (Chromium) across real processes:
// sign in through the simulator's DingTalk page (in the browser's language too), sync the
// directory, send a work notification to a department, watch its receipts, sign out — saving the
// screenshots the README shows. The browser's own time zone is London, so the Shanghai times on
// the page prove dates follow the organisation's zone (ORG_TIME_ZONE), not the browser's. In
// Chinese, no English sentence of the console's catalog may be on screen at any step.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { saveScreenshot, withFailureScreenshot } from './support/chromium';
import { awaitReceipts } from './support/receipts';
import { useBrowserStack } from './support/browser-stack';
import { ROOT, startStack, waitFor } from '@dtg/testkit';

const CATALOG_DIR = path.join(ROOT, 'apps', 'local-store', 'src', 'features', 'console', 'public');
const catalog = (file: string) => JSON.parse(readFileSync(path.join(CATALOG_DIR, file), 'utf8')) as Record<string, string | Record<string, string>>;

/** The English catalog's phrases (two words or more between placeholders) that Chinese says differently. */
function englishPhrases(): string[] {
  const en = catalog('catalog-en.json');
  const zh = catalog('catalog-zh-cn.json');
  const texts = Object.entries(en)
    .filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(zh[key]))
    .flatMap(([, value]) => (typeof value === 'string' ? [value] : Object.values(value)));
  return [...new Set(texts.flatMap((text) => text.split(/\{[a-zA-Z]+\}/)).map((part) => part.trim()))].filter((part) =>
    /[A-Za-z]{2,}\s+[A-Za-z]{2,}/.test(part),
  );
}

interface Words {
  browserLocale: string;
  signIn: string;
  person: string;
  allow: string;
  signOut: string;
  sync: string;
  synced: RegExp;
  departments: string;
  nav: string;
  send: string;
  messages: string;
  composeHeading: string;
  messageType: string;
  content: string;
  tooBig: RegExp;
  submit: string;
  textNotification: string;
  summary: (all: number, read: number, unread: number) => RegExp;
  receipts: string;
  read: string;
  unread: string;
  completed: string;
  text: string;
  signedOut: string;
  switchTo: string;
  switchedSignIn: string;
  tokens: string;
  purpose: string;
  expires: RegExp;
  issue: string;
  newToken: string;
}

const WALKS: Record<'zh-CN' | 'en', Words> = {
  'zh-CN': {
    browserLocale: 'zh-CN',
    signIn: '使用钉钉登录',
    person: '成员',
    allow: '同意',
    signOut: '退出登录',
    sync: '同步通讯录',
    synced: /通讯录已同步：11 个部门，200 人。/,
    departments: '部门',
    nav: '主导航',
    send: '发送',
    messages: '消息',
    composeHeading: '发送工作通知',
    messageType: '消息类型',
    content: '内容',
    tooBig: /钉钉最多接受 2,048 字节/,
    submit: '发送通知',
    textNotification: '文本通知',
    summary: (all, read, unread) => new RegExp(`^${all} 位接收人：已读 ${read}，未读 ${unread}`),
    receipts: '回执',
    read: '已读',
    unread: '未读',
    completed: '已完成',
    text: '文本',
    signedOut: '您已退出登录。',
    switchTo: 'English',
    switchedSignIn: 'Sign in with DingTalk',
    tokens: '服务令牌',
    purpose: '用途',
    expires: /^到期日/,
    issue: '签发令牌',
    newToken: '新令牌',
  },
  en: {
    browserLocale: 'en-GB',
    signIn: 'Sign in with DingTalk',
    person: 'Person',
    allow: 'Allow',
    signOut: 'Sign out',
    sync: 'Sync directory',
    synced: /Directory synced: 11 departments, 200 people\./,
    departments: 'Departments',
    nav: 'Main',
    send: 'Send',
    messages: 'Messages',
    composeHeading: 'Send a notification',
    messageType: 'Message type',
    content: 'Content',
    tooBig: /DingTalk accepts at most 2,048/,
    submit: 'Send notification',
    textNotification: 'Text notification',
    summary: (all, read, unread) => new RegExp(`^${all} recipients: ${read} read, ${unread} unread`),
    receipts: 'Receipts',
    read: 'Read',
    unread: 'Unread',
    completed: 'Completed',
    text: 'Text',
    signedOut: 'You are signed out.',
    switchTo: '中文',
    switchedSignIn: '使用钉钉登录',
    tokens: 'Service tokens',
    purpose: 'What it is for',
    expires: /^Expires on/,
    issue: 'Issue token',
    newToken: 'The new token',
  },
};

describe.each(Object.entries(WALKS))('the console in %s', (locale, words) => {
  const env = useBrowserStack(() => startStack(), { browser: { locale: words.browserLocale, timezoneId: 'Europe/London' } });
  const phrases = englishPhrases();

  /** In Chinese, nothing the catalog says in English may be on screen; then the screenshot. */
  async function shot(page: Page, name: string): Promise<void> {
    if (locale === 'zh-CN') {
      const visible = await page.evaluate<string>('document.body.innerText');
      expect({ name, english: phrases.filter((phrase) => visible.includes(phrase)) }).toEqual({ name, english: [] });
    }
    await page.mouse.move(0, 0);
    await saveScreenshot(page, `console-${locale}-${name}`, { fullPage: false });
  }

  it('when a person signs in, syncs, sends to a department, watches the receipts, issues a token expiring on a day and signs out, then every step is in their language, with times and days in the org’s zone', async () => {
    const { page } = env.browser;
    await withFailureScreenshot(page, `console-${locale}`, async () => {
      await page.goto(`${env.stack.local.url}/`);
      expect(await page.evaluate<string>('document.documentElement.lang')).toBe(locale);
      await page.getByRole('link', { name: words.signIn }).waitFor();
      await shot(page, 'sign-in');
      await page.getByRole('link', { name: words.signIn }).click();
      // The simulator's DingTalk page follows the browser's language too.
      expect(await page.evaluate<string>('document.documentElement.lang')).toBe(locale);
      await page.getByLabel(words.person).selectOption('user001');
      await page.getByRole('button', { name: words.allow }).click();
      await page.getByRole('button', { name: words.signOut }).waitFor();

      await page.getByRole('button', { name: words.sync }).click();
      await page.getByRole('status').filter({ hasText: words.synced }).waitFor();
      await page.getByRole('region', { name: words.departments }).getByText('Engineering').waitFor();
      await page.getByRole('cell', { name: 'user020' }).waitFor();
      await shot(page, 'directory');

      await page.getByRole('navigation', { name: words.nav }).getByRole('link', { name: words.send, exact: true }).click();
      await page.getByRole('heading', { name: words.composeHeading }).waitFor();
      await page.getByRole('checkbox', { name: 'Engineering' }).check();
      await page.getByLabel(words.messageType).selectOption('text');
      const content = page.getByLabel(words.content, { exact: true });
      await content.fill('界'.repeat(700));
      await page.getByText(words.tooBig).waitFor();
      await content.fill(
        locale === 'zh-CN' ? '4.2 版本今晚 22:00 发布，请在 20:00 前合并代码。' : 'Release 4.2 goes out tonight at 22:00. Please merge before 20:00.',
      );
      await page.getByText(words.tooBig).waitFor({ state: 'hidden' });
      await shot(page, 'compose');
      await page.getByRole('button', { name: words.submit }).click();

      await page.waitForURL(/#\/messages\/.+/);
      const localId = decodeURIComponent(page.url().split('#/messages/')[1] ?? '');
      const messageId = await waitFor(
        async () => (await env.stack.pg.query<{ id: string }>('SELECT id FROM messages WHERE local_id = $1', [localId])).rows[0]?.id,
        'the send relayed to the cloud',
      );
      await page.getByRole('heading', { name: words.textNotification }).waitFor();
      const stored = await awaitReceipts(env.stack, messageId);
      const all = Object.values(stored).reduce((a, b) => a + b, 0);
      await page.getByText(words.summary(all, stored.read ?? 0, stored.unread ?? 0)).waitFor();
      const receipts = page.getByRole('region', { name: words.receipts });
      for (const [label, n] of [
        [words.read, stored.read],
        [words.unread, stored.unread],
      ] as const) {
        const tile = receipts.getByRole('listitem').filter({ has: page.getByText(label, { exact: true }) });
        expect(Number((await tile.textContent())?.replace(/\D/g, ''))).toBe(n);
      }
      // The time the message was sent, as the org (Asia/Shanghai) reads it — the browser is in London.
      const createdAt = await page.evaluate(
        async (id) => ((await (await fetch(`/api/messages/${encodeURIComponent(id)}`)).json()) as { createdAt: string }).createdAt,
        localId,
      );
      const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
      const inShanghai = new Intl.DateTimeFormat(locale, { ...options, timeZone: 'Asia/Shanghai' }).format(new Date(createdAt));
      const inLondon = new Intl.DateTimeFormat(locale, { ...options, timeZone: 'Europe/London' }).format(new Date(createdAt));
      expect(inShanghai).not.toBe(inLondon);
      await page.getByText(inShanghai).first().waitFor();
      await shot(page, 'receipts');

      await page.getByRole('navigation', { name: words.nav }).getByRole('link', { name: words.messages, exact: true }).click();
      await page.getByRole('row').filter({ hasText: words.completed }).filter({ hasText: words.text }).waitFor();
      expect(await page.getByRole('row').filter({ hasText: inShanghai }).count()).toBe(1);
      await shot(page, 'messages');

      // A token that expires "on 31 Jan 2030" expires at the end of that day in Shanghai, not in London.
      await page.getByRole('navigation', { name: words.nav }).getByRole('link', { name: words.tokens, exact: true }).click();
      await page.getByLabel(words.purpose).fill('intranet');
      await page.getByRole('checkbox', { name: /directory:read/ }).check();
      await page.getByLabel(words.expires).fill('2030-01-31');
      await page.getByRole('button', { name: words.issue, exact: true }).click();
      await page.getByLabel(words.newToken).waitFor();
      const expiry = await env.stack.pg.query<{ expires_at: Date }>("SELECT expires_at FROM service_tokens WHERE name = 'intranet'");
      expect(expiry.rows[0]?.expires_at.toISOString()).toBe('2030-01-31T15:59:59.000Z');

      await page.getByRole('button', { name: words.signOut }).click();
      await page.getByText(words.signedOut).waitFor();
      expect(await page.evaluate(async () => (await fetch('/api/me')).status)).toBe(401);

      // The header's switch changes the language and the choice outlives a reload (a cookie the store reads).
      await page.getByRole('button', { name: words.switchTo }).click();
      await page.getByRole('link', { name: words.switchedSignIn }).waitFor();
      await page.reload();
      await page.getByRole('link', { name: words.switchedSignIn }).waitFor();
      expect(await page.evaluate<string>('document.documentElement.lang')).not.toBe(locale);
    });
    expect(env.browser.pageErrors).toEqual([]);
  }, 120_000);
});
