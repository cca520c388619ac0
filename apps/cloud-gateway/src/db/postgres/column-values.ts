// SQLite values as the Postgres columns of the generated schema (prisma/postgres/schema.prisma) take
// them. SQLite is read with safeIntegers, so every INTEGER arrives as a bigint and no 64-bit value is
// rounded on the way; text (sealed secrets included) passes through untouched.

/** Postgres `information_schema.columns.data_type` of the columns the generated schema makes. */
export type PostgresType = 'text' | 'integer' | 'bigint' | 'boolean' | 'timestamp with time zone';

const TYPES = new Set<string>(['text', 'integer', 'bigint', 'boolean', 'timestamp with time zone']);

export function isKnownType(type: string): type is PostgresType {
  return TYPES.has(type);
}

/** SQLite's CURRENT_TIMESTAMP (a column default in the migrations): UTC, no zone, no milliseconds. */
const SQLITE_DATETIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/;

function instant(value: bigint | number | string, where: string): string {
  // Prisma (timestampFormat 'unixepoch-ms') and the cloud's own SQL store DateTimes as unix
  // milliseconds (a REAL only if something once bound a fraction).
  if (typeof value !== 'string') return new Date(Number(value)).toISOString();
  const zoneless = SQLITE_DATETIME.exec(value);
  const parsed = new Date(zoneless ? `${zoneless[1]}T${zoneless[2]}Z` : value);
  if (Number.isNaN(parsed.getTime())) throw new Error(`${where}: "${value}" is not a date`);
  return parsed.toISOString();
}

/** One value for a parameterised INSERT: strings for timestamps and 64-bit integers, so nothing goes through a JS number that could round it. */
export function toPostgres(value: unknown, type: PostgresType, where: string): string | number | boolean | null {
  if (value === null) return null;
  switch (type) {
    case 'text':
      if (typeof value === 'string') return value;
      break;
    case 'integer':
      if (typeof value === 'bigint' && value >= -2147483648n && value <= 2147483647n) return Number(value);
      break;
    case 'bigint':
      if (typeof value === 'bigint') return value.toString();
      break;
    case 'boolean':
      if (value === 0n || value === 1n) return value === 1n;
      break;
    case 'timestamp with time zone':
      if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'string') return instant(value, where);
      break;
  }
  const shown = typeof value === 'bigint' ? `${value}` : JSON.stringify(value);
  throw new Error(`${where}: ${shown?.slice(0, 40) ?? typeof value} (${typeof value}) does not fit a Postgres ${type} column`);
}
