// The console as the browser gets it from the real app: one HTML page under a strict CSP, its ES
// modules under an immutable build URL (every import resolvable), and /api/config.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConsoleConfigSchema, messageLimits } from '@dtg/contracts';
import { ProblemSchema } from '@dtg/service-kit';
import request from 'supertest';
import { CONSOLE_PUBLIC_DIR } from '../src/features/console/console-assets';
import { TENANT_ID } from './support/events';
import { startTestStore, type TestStore } from './support/test-store';

const CLOUD_PUBLIC_URL = 'https://gateway.example.com/dtg';
let store: TestStore;

beforeAll(async () => {
  store = await startTestStore({ env: { CLOUD_URL: 'http://cloud-gateway:3100', CLOUD_PUBLIC_URL: `${CLOUD_PUBLIC_URL}/` } });
});
afterAll(() => store.close());

const directives = (csp: string) =>
  new Map(
    csp
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .map(([name = '', ...values]) => [name, values]),
  );

describe('GET /', () => {
  it('serves the page under a CSP that allows only own scripts and styles, and calls to this origin only (sends and syncs go through the store)', async () => {
    const res = await request(store.app).get('/?ticket=abc');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = directives(res.headers['content-security-policy'] ?? '');
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('require-trusted-types-for')).toEqual(["'script'"]);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('has no inline script, style or event handler: nothing the CSP would have to allow', async () => {
    const html = (await request(store.app).get('/')).text;
    const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [tag, body] of scripts) {
      expect(tag).toMatch(/ src="\/assets\/[0-9a-f]+\/[a-z-]+\.js"/);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
    expect(html).not.toContain('{{build}}');
  });

  it('is in Simplified Chinese when the browser prefers any Chinese, in English otherwise, and in the language the switch chose (dtg_lang) above both', async () => {
    const langOf = async (headers: Record<string, string>) => {
      const res = await request(store.app).get('/').set(headers);
      expect(res.headers['vary']).toMatch(/Accept-Language.*Cookie/);
      return /<html lang="([^"]+)">/.exec(res.text)?.[1];
    };
    expect(await langOf({ 'accept-language': 'zh-TW,zh;q=0.9' })).toBe('zh-CN');
    expect(await langOf({ 'accept-language': 'fr-FR, zh-CN;q=0.5, en;q=0.3' })).toBe('zh-CN');
    expect(await langOf({ 'accept-language': 'en-GB,en;q=0.9' })).toBe('en');
    expect(await langOf({})).toBe('en');
    expect(await langOf({ 'accept-language': 'zh-CN', cookie: 'dtg_lang=en' })).toBe('en');
    expect(await langOf({ 'accept-language': 'en', cookie: 'dtg_lang=zh-CN' })).toBe('zh-CN');
    expect(await langOf({ 'accept-language': 'zh-CN', cookie: 'dtg_lang=xx' })).toBe('zh-CN');
    const zh = (await request(store.app).get('/').set('accept-language', 'zh-CN')).text;
    expect(zh).toContain('<a href="#/directory" data-route="directory">通讯录</a>');
    expect(zh).not.toMatch(/\{\{/);
  });

  it('answers a repeated load with 304 by its ETag', async () => {
    const first = await request(store.app).get('/');
    const again = await request(store.app)
      .get('/')
      .set('if-none-match', first.headers.etag ?? '');
    expect(again.status).toBe(304);
  });
});

describe('GET /assets/:build/:file', () => {
  /** The page's assets plus everything their ES-module imports reach, fetched like a browser would. */
  async function crawl(): Promise<Map<string, request.Response>> {
    const html = (await request(store.app).get('/')).text;
    const queue = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1] ?? '');
    const fetched = new Map<string, request.Response>();
    while (queue.length > 0) {
      const url = queue.shift() ?? '';
      if (fetched.has(url)) continue;
      const res = await request(store.app).get(url);
      fetched.set(url, res);
      if (url.endsWith('.js')) {
        for (const [, spec] of res.text.matchAll(/^\s*(?:import|export)\b[^'";]*?from\s+'([^']+)'/gm))
          queue.push(new URL(spec ?? '', `http://x${url}`).pathname);
      }
    }
    return fetched;
  }

  it('serves every file the page and its module graph need, cacheable for good, with its content type', async () => {
    const fetched = await crawl();
    const builds = new Set([...fetched.keys()].map((url) => url.split('/')[2]));
    expect(builds.size).toBe(1);
    for (const [url, res] of fetched) {
      expect({ url, status: res.status }).toEqual({ url, status: 200 });
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      const type = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml', json: 'application/json; charset=utf-8' }[
        url.split('.').pop() ?? ''
      ];
      expect(res.headers['content-type']).toBe(type);
    }
    // Every module in the folder is reachable from main.js: none is dead.
    const modules = readdirSync(CONSOLE_PUBLIC_DIR).filter((name) => name.endsWith('.js'));
    expect(
      [...fetched.keys()]
        .filter((url) => url.endsWith('.js'))
        .map((url) => path.basename(url))
        .sort(),
    ).toEqual(modules.sort());
  });

  it('never builds DOM from strings (the page enforces it with Trusted Types)', () => {
    for (const name of readdirSync(CONSOLE_PUBLIC_DIR).filter((file) => file.endsWith('.js'))) {
      const source = readFileSync(path.join(CONSOLE_PUBLIC_DIR, name), 'utf8');
      expect({ name, sinks: source.match(/\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval)\b|new Function/g) }).toEqual({ name, sinks: null });
    }
  });

  it('serves a page from an older build the current file without letting it be cached as that build', async () => {
    const res = await request(store.app).get('/assets/0123456789abcdef/main.js');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('answers unknown or malformed file names with a problem, never a file from elsewhere', async () => {
    const missing = await request(store.app).get('/assets/0123456789abcdef/nope.js');
    expect(missing.status).toBe(404);
    expect(ProblemSchema.parse(missing.body).code).toBe('not_found');
    for (const url of ['/assets/0123456789abcdef/..%2Fconsole.routes.ts', '/assets/0123456789abcdef/index.html', '/assets/XYZ/main.js']) {
      const res = await request(store.app).get(url);
      expect({ url, refused: res.status === 400 || res.status === 404 }).toEqual({ url, refused: true });
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });
});

describe('GET /in-app (免登 inside the DingTalk client)', () => {
  it('is in the reader’s language, its failure words in the page for its script (the same script for every language)', async () => {
    const zh = await request(store.app).get('/in-app').set('accept-language', 'zh-CN');
    expect(zh.status).toBe(200);
    expect(zh.headers['vary']).toMatch(/Accept-Language.*Cookie/);
    expect(zh.text).toContain('<html lang="zh-CN">');
    expect(zh.text).toContain('data-failed="在钉钉内免登失败：" data-fallback="改用钉钉账号登录">正在通过钉钉免登为您登录…</p>');
    const en = await request(store.app).get('/in-app').set('cookie', 'dtg_lang=en').set('accept-language', 'zh-CN');
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('>Signing you in with DingTalk…</p>');
    const script = await request(store.app).get('/in-app.js');
    expect(script.text).toContain('status.dataset.failed');
    expect(script.text).not.toMatch(/Signing|登录/);
  });
});

describe('GET /api/config', () => {
  it("gives the tenant and the cloud the browser uses (CLOUD_PUBLIC_URL, not CLOUD_URL), with the login start at this store and DingTalk's message limits", async () => {
    const res = await request(store.app).get('/api/config');
    expect(res.status).toBe(200);
    expect(ConsoleConfigSchema.parse(res.body)).toEqual({
      tenantId: TENANT_ID,
      cloudUrl: CLOUD_PUBLIC_URL,
      loginUrl: '/auth/login',
      timeZone: 'Asia/Shanghai',
      messageLimits: messageLimits(),
    });
  });
});
