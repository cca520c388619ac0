// A console's static files (the store's console, the cloud's operator console), read once at
// start-up and served from memory. There is no build step to put a hash in every file name, so one
// hash of ALL the files goes into the URL instead (`<assetsPath>/<build>/<file>`): those URLs can be
// cached forever, relative ES-module imports between the files stay inside the same build, and any
// change to any file makes a new build id.
// index.html is rendered once per language at start-up: its `{{t:key}}` placeholders become the
// catalog's text (catalog-en.json, catalog-zh-cn.json — the same files the page's scripts load), so
// the first paint is already in the reader's language and <html lang> is right for screen readers.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '../crypto/sha256';
import { UI_LOCALES, type UiLocale } from '../http/locale';

/** index.html refers to its assets as `{{build}}/<file>`; the placeholder becomes `<assetsPath>/<build>`. */
const BUILD_PLACEHOLDER = /\{\{build\}\}/g;
/** `{{t:nav.send}}` → the catalog's text; `{{lang}}` → this page's language, `{{otherLang}}` the switch's. */
const TEXT_PLACEHOLDER = /\{\{t:([A-Za-z0-9_.:-]+)\}\}/g;

/** A console catalog: key → text, or plural category → text. */
export type ConsoleCatalog = Record<string, string | Record<string, string>>;

/** The catalog file of a language (the pages' i18n.js build the same name). */
export const catalogFile = (locale: UiLocale): string => `catalog-${locale.toLowerCase()}.json`;

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
  /** Hex digest of every file's name and content. */
  build: string;
  /** index.html in each language, with its asset URLs pointing at this build. */
  pages: Record<UiLocale, ConsoleFile>;
  /** A file other than index.html, by name; undefined when there is none. */
  asset(name: string): ConsoleFile | undefined;
}

export interface ConsoleAssetsOptions {
  /** The folder of index.html, the catalogs, scripts and styles. */
  dir: string;
  /** Where the assets are served: `/assets` → `/assets/<build>/<file>`. */
  assetsPath: string;
  /** npm packages' files the page loads, served from this origin like its own (no CDN): name → file. */
  vendored?: Record<string, string>;
}

function file(name: string, body: Buffer): ConsoleFile {
  const contentType = CONTENT_TYPES[path.extname(name)];
  if (!contentType) throw new Error(`console asset ${name} has no known content type`);
  return { body, contentType, etag: `"${sha256Hex(body).slice(0, 32)}"` };
}

export function loadConsoleAssets(options: ConsoleAssetsOptions): ConsoleAssets {
  const { dir } = options;
  const names = readdirSync(dir).sort();
  const contents = new Map(names.map((name) => [name, readFileSync(path.join(dir, name))]));
  for (const [name, source] of Object.entries(options.vendored ?? {})) contents.set(name, readFileSync(source));
  const hash = createHash('sha256');
  for (const [name, body] of contents) hash.update(`${name}\0${body.length}\0`).update(body);
  const build = hash.digest('hex').slice(0, 16);

  const html = contents.get('index.html');
  if (!html) throw new Error(`no index.html in ${dir}`);
  const template = html.toString('utf8').replace(BUILD_PLACEHOLDER, `${options.assetsPath}/${build}`);
  const pages = Object.fromEntries(
    UI_LOCALES.map((locale) => [locale, file('index.html', Buffer.from(renderPage(template, locale, readCatalog(contents, locale))))]),
  ) as Record<UiLocale, ConsoleFile>;
  const assets = new Map([...contents].filter(([name]) => name !== 'index.html').map(([name, body]) => [name, file(name, body)]));
  return { build, pages, asset: (name) => assets.get(name) };
}

function readCatalog(contents: Map<string, Buffer>, locale: UiLocale): ConsoleCatalog {
  const body = contents.get(catalogFile(locale));
  if (!body) throw new Error(`the console has no ${catalogFile(locale)}`);
  return JSON.parse(body.toString('utf8')) as ConsoleCatalog;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page in one language; a placeholder without text in the catalog is a start-up error, never a blank. */
function renderPage(template: string, locale: UiLocale, catalog: ConsoleCatalog): string {
  const other = UI_LOCALES.find((candidate) => candidate !== locale) ?? locale;
  return template
    .replaceAll('{{lang}}', locale)
    .replaceAll('{{otherLang}}', other)
    .replace(TEXT_PLACEHOLDER, (_match, key: string) => {
      const text = catalog[key];
      if (typeof text !== 'string') throw new Error(`index.html uses ${key}, which ${catalogFile(locale)} does not have as text`);
      return escapeHtml(text);
    });
}
