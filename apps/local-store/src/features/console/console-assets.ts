// The console's static files, read once at start-up and served from memory. There is no build step
// to put a hash in every file name, so one hash of ALL the files goes into the URL instead
// (/assets/<build>/<file>): those URLs can be cached forever, relative ES-module imports between the
// files stay inside the same build, and any change to any file makes a new build id.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '@dtg/service-kit';
import { APP_ROOT } from '../../paths';

// From the app root, not __dirname: the same path whether this runs from src/ (tsx) or dist/main.js.
export const CONSOLE_PUBLIC_DIR = path.join(APP_ROOT, 'src', 'features', 'console', 'public');
/** index.html refers to its assets as `{{build}}/<file>`; the placeholder becomes /assets/<build>. */
const BUILD_PLACEHOLDER = /\{\{build\}\}/g;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface ConsoleFile {
  body: Buffer;
  contentType: string;
  etag: string;
}

export interface ConsoleAssets {
  /** Hex digest of every file's name and content. */
  build: string;
  /** index.html with its asset URLs pointing at this build. */
  page: ConsoleFile;
  /** A file other than index.html, by name; undefined when there is none. */
  asset(name: string): ConsoleFile | undefined;
}

function file(name: string, body: Buffer): ConsoleFile {
  const contentType = CONTENT_TYPES[path.extname(name)];
  if (!contentType) throw new Error(`console asset ${name} has no known content type`);
  return { body, contentType, etag: `"${sha256Hex(body).slice(0, 32)}"` };
}

export function loadConsoleAssets(dir = CONSOLE_PUBLIC_DIR): ConsoleAssets {
  const names = readdirSync(dir).sort();
  const contents = new Map(names.map((name) => [name, readFileSync(path.join(dir, name))]));
  const hash = createHash('sha256');
  for (const [name, body] of contents) hash.update(`${name}\0${body.length}\0`).update(body);
  const build = hash.digest('hex').slice(0, 16);

  const html = contents.get('index.html');
  if (!html) throw new Error(`no index.html in ${dir}`);
  const page = file('index.html', Buffer.from(html.toString('utf8').replace(BUILD_PLACEHOLDER, `/assets/${build}`)));
  const assets = new Map([...contents].filter(([name]) => name !== 'index.html').map(([name, body]) => [name, file(name, body)]));
  return { build, page, asset: (name) => assets.get(name) };
}
