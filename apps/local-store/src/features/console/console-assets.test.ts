import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConsoleAssets } from './console-assets';

describe('loadConsoleAssets', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'console-assets-'));
    writeFileSync(
      path.join(dir, 'index.html'),
      '<html lang="{{lang}}"><script type="module" src="{{build}}/main.js"></script><link href="{{build}}/a.css"><b lang="{{otherLang}}">{{t:greeting}}</b>',
    );
    writeFileSync(path.join(dir, 'main.js'), "import './b.js';");
    writeFileSync(path.join(dir, 'a.css'), 'body{}');
    writeFileSync(path.join(dir, 'catalog-en.json'), JSON.stringify({ greeting: 'Hello <you> & “them”' }));
    writeFileSync(path.join(dir, 'catalog-zh-cn.json'), JSON.stringify({ greeting: '你好' }));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('when loaded, then the page (in each language) points at /assets/<build>/ and each file has its content type and ETag', () => {
    const assets = loadConsoleAssets(dir);
    expect(assets.build).toMatch(/^[0-9a-f]{16}$/);
    const assetsTags = `<script type="module" src="/assets/${assets.build}/main.js"></script><link href="/assets/${assets.build}/a.css">`;
    expect(assets.pages.en.body.toString()).toBe(`<html lang="en">${assetsTags}<b lang="zh-CN">Hello &#60;you&#62; &#38; “them”</b>`);
    expect(assets.pages['zh-CN'].body.toString()).toBe(`<html lang="zh-CN">${assetsTags}<b lang="en">你好</b>`);
    expect(assets.pages.en.etag).not.toBe(assets.pages['zh-CN'].etag);
    expect(assets.asset('main.js')).toMatchObject({ contentType: 'text/javascript; charset=utf-8', etag: expect.stringMatching(/^"[0-9a-f]{32}"$/) });
    expect(assets.asset('a.css')?.contentType).toBe('text/css; charset=utf-8');
    expect(assets.asset('catalog-zh-cn.json')?.contentType).toBe('application/json; charset=utf-8');
    expect(assets.asset('index.html')).toBeUndefined();
  });

  it('when any file changes, then the build id changes (old immutable URLs are never reused)', () => {
    const before = loadConsoleAssets(dir).build;
    expect(loadConsoleAssets(dir).build).toBe(before);
    writeFileSync(path.join(dir, 'a.css'), 'body{color:red}');
    expect(loadConsoleAssets(dir).build).not.toBe(before);
  });

  it('when a file has no known type, then loading fails instead of serving it wrongly', () => {
    writeFileSync(path.join(dir, 'notes.txt'), 'x');
    expect(() => loadConsoleAssets(dir)).toThrow(/notes.txt/);
  });

  it('when the page uses a key one catalog lacks, then loading fails instead of showing a blank', () => {
    writeFileSync(path.join(dir, 'catalog-zh-cn.json'), JSON.stringify({ other: '别的' }));
    expect(() => loadConsoleAssets(dir)).toThrow(/greeting.*catalog-zh-cn\.json/);
  });
});
