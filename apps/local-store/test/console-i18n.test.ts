// The console's two catalogs (catalog-en.json, catalog-zh-cn.json) and every page string: both
// languages have every key, with the same placeholders and the plural forms their language needs;
// every key the page and scripts use exists, none is left unused; and no user-visible text is
// written into index.html or a script instead of coming from the catalog. The browser walk
// (apps/system-e2e/test/console.e2e.test.ts) checks the rendered views on top of this.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MessageStatusSchema, RecipientStatusSchema, SCOPES } from '@dtg/contracts';
import { ERROR_CODES, UI_LOCALES } from '@dtg/service-kit';
import ts from 'typescript';
import { catalogFile, type ConsoleCatalog } from '@dtg/service-kit';
import { CONSOLE_PUBLIC_DIR } from '../src/features/console/console-assets';
import { SCOPE_CLAIMS } from '../src/features/oidc/oidc-accounts';

const catalogs = Object.fromEntries(
  UI_LOCALES.map((locale) => [locale, JSON.parse(readFileSync(path.join(CONSOLE_PUBLIC_DIR, catalogFile(locale)), 'utf8')) as ConsoleCatalog]),
);
const en = catalogs['en'] ?? {};
const keys = Object.keys(en);
const html = readFileSync(path.join(CONSOLE_PUBLIC_DIR, 'index.html'), 'utf8');
const parse = (file: string) => ts.createSourceFile(path.basename(file), readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
const scripts = readdirSync(CONSOLE_PUBLIC_DIR)
  .filter((name) => name.endsWith('.js'))
  .map((name) => ({ name, source: parse(path.join(CONSOLE_PUBLIC_DIR, name)) }));
/** The store's server code, which renders pages from the same catalog (index.html, the OIDC provider's pages). */
const SRC_DIR = path.join(__dirname, '..', 'src');
const serverFiles = (readdirSync(SRC_DIR, { recursive: true }) as string[])
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.includes('generated'))
  .map((file) => ({ name: file, source: parse(path.join(SRC_DIR, file)) }));

const placeholders = (value: string | Record<string, string>) =>
  [
    ...new Set(Object.values(typeof value === 'string' ? { other: value } : value).flatMap((text) => [...text.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => m[1]))),
  ].sort();

/** Every node of a script, depth first. */
function nodes(source: ts.SourceFile): ts.Node[] {
  const all: ts.Node[] = [];
  const visit = (node: ts.Node) => {
    all.push(node);
    node.forEachChild(visit);
  };
  visit(source);
  return all;
}

const calleeName = (call: ts.CallExpression) =>
  ts.isIdentifier(call.expression) ? call.expression.text : ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : '';

/** String literals, and template literals (with their `${}` parts as "{}"). */
function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((span) => `{}${span.literal.text}`)].join('');
  return undefined;
}

/** Template-literal keys such as t(`group.${key}`): their prefix names a family of keys filled from data. */
const dynamicPrefixes = new Set(
  [...scripts, ...serverFiles].flatMap(({ source }) =>
    nodes(source)
      .filter(ts.isTemplateExpression)
      .map((node) => node.head.text)
      .filter((head) => /^[a-z][A-Za-z.]*\.$/.test(head) && keys.some((key) => key.startsWith(head))),
  ),
);

/** Literal strings in the scripts and the page that name a catalog key (or look like one). */
const prefixes = new Set(keys.map((key) => key.split('.')[0]));
const looksLikeKey = (text: string) => /^[a-z][A-Za-z]*\.[A-Za-z0-9_:.]+$/.test(text) && prefixes.has(text.split('.')[0] ?? '');
const usedKeys = [
  ...[...html.matchAll(/\{\{t:([^}]+)\}\}/g)].map((m) => ({ where: 'index.html', key: m[1] ?? '' })),
  ...scripts.flatMap(({ name, source }) =>
    nodes(source)
      .map(literalText)
      .filter((text): text is string => text !== undefined && looksLikeKey(text))
      .map((key) => ({ where: name, key })),
  ),
];

describe('the console catalogs', () => {
  it('have the same keys in English and Chinese', () => {
    for (const locale of UI_LOCALES) {
      expect({ locale, missing: keys.filter((key) => !(key in (catalogs[locale] ?? {}))) }).toEqual({ locale, missing: [] });
      expect({ locale, extra: Object.keys(catalogs[locale] ?? {}).filter((key) => !(key in en)) }).toEqual({ locale, extra: [] });
    }
  });

  it('give every key non-empty text with the same placeholders in both languages, and the plural forms each language has (Intl.PluralRules)', () => {
    for (const locale of UI_LOCALES) {
      const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories.slice().sort();
      for (const [key, value] of Object.entries(catalogs[locale] ?? {})) {
        const texts = typeof value === 'string' ? [value] : Object.values(value);
        expect({ locale, key, empty: texts.some((text) => text.trim() === '') }).toEqual({ locale, key, empty: false });
        expect({ locale, key, placeholders: placeholders(value) }).toEqual({ locale, key, placeholders: placeholders(en[key] ?? '') });
        if (typeof value !== 'string') expect({ locale, key, forms: Object.keys(value).sort() }).toEqual({ locale, key, forms: categories });
        expect({ locale, key, plural: typeof value === 'string' }).toEqual({ locale, key, plural: typeof en[key] === 'string' });
      }
    }
  });

  it('speak Chinese in zh-CN: no English sentence is left untranslated', () => {
    const zh = catalogs['zh-CN'] ?? {};
    const untranslated = keys.filter((key) => JSON.stringify(zh[key]) === JSON.stringify(en[key]) && /[a-z]{3,} [a-z]{3,}/i.test(JSON.stringify(en[key])));
    expect(untranslated).toEqual([]);
  });

  it('use DingTalk’s own Chinese names for its things (工作通知, 部门, 通讯录, 已读/未读)', () => {
    const zh = catalogs['zh-CN'] ?? {};
    expect(zh['title.compose']).toContain('工作通知');
    expect(zh['nav.directory']).toBe('通讯录');
    expect(zh['directory.sync']).toBe('同步通讯录');
    expect(zh['directory.departments']).toBe('部门');
    expect([zh['recipientStatus.read'], zh['recipientStatus.unread']]).toEqual(['已读', '未读']);
  });

  it('have a message for every value the console shows from data: problem codes, statuses, sign-in errors, scopes, message types', () => {
    const needed = [
      ...ERROR_CODES.map((code) => `problem.${code}`),
      ...MessageStatusSchema.options.map((status) => `messageStatus.${status}`),
      ...RecipientStatusSchema.options.map((status) => `recipientStatus.${status}`),
      ...SCOPES.map((scope) => `scope.${scope}`),
      // The cloud's ?error= codes (apps/cloud-gateway/src/features/login/login-failure.ts).
      ...['access_denied', 'not_in_org', 'tenant_suspended', 'invalid_code', 'dingtalk_unavailable', 'server_error'].map((code) => `login.${code}`),
      ...['text', 'markdown', 'link', 'action_card', 'oa', 'image', 'voice', 'file'].map((type) => `type.${type}`),
      // What the OIDC consent page lists: every scope the provider serves.
      ...[...Object.keys(SCOPE_CLAIMS), 'offline_access'].map((scope) => `oidc.scope.${scope}`),
    ];
    expect(needed.filter((key) => !(key in en))).toEqual([]);
  });

  it('have every key the page and the scripts use, and no key nothing uses', () => {
    expect(usedKeys.length).toBeGreaterThan(100);
    expect(usedKeys.filter(({ key }) => !(key in en))).toEqual([]);
    // The server's pages use keys too; there a key-like literal may be something else (an event type), so only those in the catalog count.
    const serverUsed = serverFiles.flatMap(({ source }) => nodes(source).map(literalText)).filter((text): text is string => text !== undefined && text in en);
    expect(serverUsed).toEqual(expect.arrayContaining(['oidc.consentTitle', 'oidc.refusedTitle']));
    const used = new Set([...usedKeys.map(({ key }) => key), ...serverUsed]);
    expect(keys.filter((key) => !used.has(key) && ![...dynamicPrefixes].some((prefix) => key.startsWith(prefix)))).toEqual([]);
  });
});

describe('the console pages', () => {
  it('index.html has no text of its own: every visible word and label is a {{t:key}} placeholder', () => {
    const withoutPlaceholders = html.replace(/\{\{[^}]+\}\}/g, '');
    const text = withoutPlaceholders
      .replace(/<(script|style)\b[\s\S]*?<\/\1>/g, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/&[a-z]+;/g, ' ');
    expect(text.match(/\p{L}+/gu) ?? []).toEqual([]);
    for (const [, attribute, value] of withoutPlaceholders.matchAll(/\s(alt|title|aria-label|placeholder)="([^"]*)"/g)) {
      expect({ attribute, value }).toEqual({ attribute, value: '' });
    }
  });

  /** Where a string would reach the reader: text children of h(), messages of notices and statuses, labels. */
  function visibleLiterals(source: ts.SourceFile): string[] {
    const found: string[] = [];
    const text = (node: ts.Node | undefined) => {
      const value = node && literalText(node);
      // Words (two letters or more), or any Chinese: text a person reads. Keys are checked above.
      if (value !== undefined && !looksLikeKey(value) && /[A-Za-z]{2,}|\p{Script=Han}/u.test(value)) found.push(value);
    };
    for (const node of nodes(source)) {
      if (ts.isCallExpression(node)) {
        const args = node.arguments;
        const name = calleeName(node);
        if (name === 'h') args.slice(2).forEach(text);
        if (['notice', 'fail', 'announce', 'confirm', 'alert', 'pageHead'].includes(name)) args.slice(name === 'notice' ? 1 : 0).forEach(text);
        if (name === 'setStatus' || name === 'setError' || name === 'showError') args.slice(name === 'setStatus' ? 2 : 0).forEach(text);
        if (['push', 'prepend', 'append', 'replaceChildren'].includes(name)) args.forEach(text);
      }
      if (ts.isPropertyAssignment(node)) {
        const key = ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) ? node.name.text : '';
        if (['aria-label', 'placeholder', 'title', 'alt', 'text', 'label', 'hint', 'message'].includes(key)) text(node.initializer);
      }
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left)) {
        if (['textContent', 'title', 'ariaLabel', 'placeholder', 'innerText'].includes(node.left.name.text)) text(node.right);
      }
      // Any sentence, wherever it is: a capitalised word followed by more words.
      const value = literalText(node);
      if (value !== undefined && /^[A-Z][a-z]+(?: [a-z]+){2,}/.test(value)) found.push(value);
    }
    return found;
  }

  it('the scripts write no user-visible text: it all comes from the catalog', () => {
    expect(scripts.length).toBeGreaterThan(10);
    for (const { name, source } of scripts) {
      expect({ name, literals: [...new Set(visibleLiterals(source))] }).toEqual({ name, literals: [] });
    }
  });

  it('the scan finds text written into a script (it is not blind)', () => {
    const sample = ts.createSourceFile(
      'sample.js',
      "h('p', {}, 'Hello'); notice('error', `Failed: ${x}`); setStatus(s, 'info', '同步中'); el.textContent = 'Done'; h('input', { placeholder: 'Name' }); const m = 'Please try again later';",
      ts.ScriptTarget.Latest,
      true,
    );
    expect(visibleLiterals(sample)).toEqual(['Hello', 'Failed: {}', '同步中', 'Done', 'Name', 'Please try again later']);
  });
});
