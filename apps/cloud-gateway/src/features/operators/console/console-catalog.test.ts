// The operator console in both languages: the two catalogs have the same keys, every literal key the
// page's scripts and index.html use is in them, and both pages render (a placeholder without text
// is a start-up error).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConsoleAssets, OPERATOR_CONSOLE_DIR } from './console-assets';

const read = (name: string) => readFileSync(path.join(OPERATOR_CONSOLE_DIR, name), 'utf8');
const catalog = (name: string) => JSON.parse(read(name)) as Record<string, string>;

describe('operator console catalogs', () => {
  const en = catalog('catalog-en.json');
  const zh = catalog('catalog-zh-cn.json');

  it('when the catalogs are compared, then English and Chinese have the same keys and no empty text', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of [...Object.entries(en), ...Object.entries(zh)]) expect({ key, empty: text.trim() === '' }).toEqual({ key, empty: false });
  });

  it("when the page's files are read, then every literal key they use has text", () => {
    const used = new Set<string>();
    for (const file of readdirSync(OPERATOR_CONSOLE_DIR).filter((f) => f.endsWith('.js') || f.endsWith('.html'))) {
      for (const match of read(file).matchAll(/\bt\('([a-zA-Z]+\.[a-zA-Z.]+)'|\{\{t:([a-zA-Z.]+)\}\}/g)) used.add(match[1] ?? match[2] ?? '');
    }
    expect(used.size).toBeGreaterThan(50);
    expect([...used].filter((key) => !(key in en))).toEqual([]);
  });

  it('when the assets load, then the page exists in both languages and the vendored chart is served', () => {
    const assets = loadConsoleAssets();
    expect(assets.pages.en.body.toString()).toContain('<html lang="en">');
    expect(assets.pages['zh-CN'].body.toString()).toContain('运维控制台');
    expect(assets.asset('uplot.js')?.contentType).toMatch(/javascript/);
  });
});
