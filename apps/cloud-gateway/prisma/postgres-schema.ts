// The cloud's Postgres schema is derived from its SQLite schema (prisma/schema.prisma, the one
// source): `npm run prisma:postgres-schema` writes prisma/postgres/schema.prisma, and
// test/postgres-schema.test.ts fails when the checked-in file differs from what this produces.
//
// Each change is one rule below; a rule that no longer finds what it rewrites throws, so a change
// to the source schema cannot slip past the generator silently. The app-level types stay the same
// on both providers (test/postgres-schema.test.ts compares the two generated clients' models).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const SQLITE_SCHEMA = path.join(__dirname, 'schema.prisma');
export const POSTGRES_SCHEMA = path.join(__dirname, 'postgres', 'schema.prisma');

/**
 * `Int @id` columns without a default that SQLite fills in on insert (an INTEGER PRIMARY KEY is the
 * rowid): on Postgres they need a sequence, or the same INSERT without an id fails.
 */
const ROWID_KEYS = new Set(['MessageDispatchRequest.id']);
/** `Int @id` columns the code always writes itself (a single row with id 1). */
const EXPLICIT_KEYS = new Set(['AuthVersion.id']);

const HEADER = [
  '// GENERATED from ../schema.prisma by prisma/postgres-schema.ts (`npm run prisma:postgres-schema`).',
  '// Do not edit: change ../schema.prisma and regenerate. test/postgres-schema.test.ts checks the two agree.',
  '',
].join('\n');

function replaceOnce(text: string, from: string | RegExp, to: string, what: string): string {
  const matches = text.match(typeof from === 'string' ? new RegExp(from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g') : from);
  if (matches?.length !== 1) throw new Error(`postgres-schema: expected exactly one ${what} in schema.prisma, found ${matches?.length ?? 0}`);
  return text.replace(from, to);
}

/** Every DateTime as `timestamptz(3)`: an instant, as SQLite's unix milliseconds are (Prisma's default is a zoneless timestamp). */
function timestampsWithZone(line: string): string {
  return /^\s+\w+\s+DateTime\??(\s|$)/.test(line) && !line.includes('@db.') ? `${line.trimEnd()} @db.Timestamptz(3)` : line;
}

/** `Int @id` without a default: a sequence for rowid keys, unchanged for keys the code writes; anything else is a new case to decide. */
function integerKeys(lines: string[]): string[] {
  let model = '';
  return lines.map((line) => {
    const opened = /^model (\w+) \{/.exec(line);
    if (opened) model = opened[1] as string;
    const key = /^(\s+)(\w+)(\s+)Int(\s+)@id(?!.*@default)(.*)$/.exec(line);
    if (!key) return line;
    const name = `${model}.${key[2]}`;
    if (EXPLICIT_KEYS.has(name)) return line;
    if (!ROWID_KEYS.has(name)) throw new Error(`postgres-schema: ${name} is an Int @id without a default: add it to ROWID_KEYS or EXPLICIT_KEYS`);
    return line.replace('@id', '@id @default(autoincrement())');
  });
}

/**
 * Ints that hold DingTalk's 64-bit ids (an AgentId is a Long; real ones pass 2^31): SQLite's INTEGER
 * is 64-bit already, Postgres's integer is not. BIGINT there; the code reads them through Number()
 * (tenants.repository.ts), so the app's type stays `number` on both.
 */
export const WIDE_INTS = new Set(['Tenant.agentId']);

function wideInts(lines: string[]): string[] {
  let model = '';
  const found = new Set<string>();
  const out = lines.map((line) => {
    const opened = /^model (\w+) \{/.exec(line);
    if (opened) model = opened[1] as string;
    const field = /^(\s+)(\w+)(\s+)Int(\??)(\s|$)/.exec(line);
    if (!field || !WIDE_INTS.has(`${model}.${field[2]}`)) return line;
    found.add(`${model}.${field[2]}`);
    return line.replace(/Int(\??)/, 'BigInt$1');
  });
  for (const key of WIDE_INTS) if (!found.has(key)) throw new Error(`postgres-schema: ${key} is no longer an Int`);
  return out;
}

export function postgresSchema(sqliteSchema: string): string {
  let text = replaceOnce(sqliteSchema, /provider\s*=\s*"sqlite"/g, 'provider = "postgresql"', 'sqlite provider');
  // The Postgres client is generated beside the SQLite one (src/generated/prisma-postgres).
  text = replaceOnce(text, /output(\s*)= "\.\.\/src\/generated\/prisma"/g, 'output$1= "../../src/generated/prisma-postgres"', 'client output');
  const lines = wideInts(integerKeys(text.split('\n'))).map(timestampsWithZone);
  for (const key of [...ROWID_KEYS, ...EXPLICIT_KEYS]) {
    const [model, field] = key.split('.') as [string, string];
    if (!new RegExp(`model ${model} \\{[^}]*\\n\\s+${field}\\s+Int\\s+@id`).test(text)) throw new Error(`postgres-schema: ${key} is no longer an Int @id`);
  }
  return HEADER + lines.join('\n');
}

if (require.main === module) {
  writeFileSync(POSTGRES_SCHEMA, postgresSchema(readFileSync(SQLITE_SCHEMA, 'utf8')));
  process.stdout.write(`wrote ${path.relative(process.cwd(), POSTGRES_SCHEMA)}\n`);
}
