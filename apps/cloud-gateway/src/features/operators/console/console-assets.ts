// The operator console's static files, read once at start-up and served from memory — the same
// scheme as the local store's console: one hash of all the files names the build in every asset URL
// (/admin/console/assets/<build>/<file>, cached for good), and index.html is rendered once per
// language with its `{{t:key}}` placeholders taken from the same catalogs the page's scripts load.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex, UI_LOCALES, type UiLocale } from '@dtg/service-kit';
import { APP_ROOT } from '../../../paths';

// From the app root, not __dirname: the same path whether this runs from src/ (tsx) or dist/main.js.
export const OPERATOR_CONSOLE_DIR = path.join(APP_ROOT, 'src', 'features', 'operators', 'console', 'public');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

export interface ConsoleFile {
  body: Buffer;
  contentType: string;
  etag: string;
}

export interface ConsoleAssets {
  build: string;
  pages: Record<UiLocale, ConsoleFile>;
  asset(name: string): ConsoleFile | undefined;
}

export const catalogFile = (locale: UiLocale): string => `catalog-${locale.toLowerCase()}.json`;

function file(name: string, body: Buffer): ConsoleFile {
  const contentType = CONTENT_TYPES[path.extname(name)];
  if (!contentType) throw new Error(`operator console asset ${name} has no known content type`);
  return { body, contentType, etag: `"${sha256Hex(body).slice(0, 32)}"` };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** npm packages the page loads, served from this origin like its own files (no CDN): name → file. */
const VENDORED: Record<string, string> = {
  // uPlot: a small (~50 KB), dependency-free time-series chart that builds its DOM without HTML strings.
  'uplot.js': require.resolve('uplot/dist/uPlot.esm.js'),
  'uplot.css': require.resolve('uplot/dist/uPlot.min.css'),
};

export function loadConsoleAssets(dir = OPERATOR_CONSOLE_DIR): ConsoleAssets {
  const names = readdirSync(dir).sort();
  const contents = new Map(names.map((name) => [name, readFileSync(path.join(dir, name))]));
  for (const [name, file] of Object.entries(VENDORED)) contents.set(name, readFileSync(file));
  const hash = createHash('sha256');
  for (const [name, body] of contents) hash.update(`${name}\0${body.length}\0`).update(body);
  const build = hash.digest('hex').slice(0, 16);
  const html = contents.get('index.html');
  if (!html) throw new Error(`no index.html in ${dir}`);
  const template = html.toString('utf8').replaceAll('{{build}}', `/admin/console/assets/${build}`);
  const pages = Object.fromEntries(
    UI_LOCALES.map((locale) => {
      const body = contents.get(catalogFile(locale));
      if (!body) throw new Error(`the operator console has no ${catalogFile(locale)}`);
      const catalog = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      const other = UI_LOCALES.find((candidate) => candidate !== locale) ?? locale;
      const page = template
        .replaceAll('{{lang}}', locale)
        .replaceAll('{{otherLang}}', other)
        .replace(/\{\{t:([A-Za-z0-9_.:-]+)\}\}/g, (_match, key: string) => {
          const text = catalog[key];
          if (typeof text !== 'string') throw new Error(`index.html uses ${key}, which ${catalogFile(locale)} does not have as text`);
          return escapeHtml(text);
        });
      return [locale, file('index.html', Buffer.from(page))];
    }),
  ) as Record<UiLocale, ConsoleFile>;
  const assets = new Map([...contents].filter(([name]) => name !== 'index.html').map(([name, body]) => [name, file(name, body)]));
  return { build, pages, asset: (name) => assets.get(name) };
}
