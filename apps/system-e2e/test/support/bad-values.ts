// JSON values for bad bodies: a small instance of a published JSON Schema (valid where that is
// easy), and mutations that break it — a wrong type somewhere, a field gone, a huge or unicode
// string, or another value altogether.
import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Schema = { [key: string]: unknown };

const deref = (schema: Schema, root: Schema): Schema => {
  const ref = schema['$ref'];
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  const target = ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Schema | undefined)?.[key], root);
  return (target as Schema | undefined) ?? {};
};

/** A small instance of the schema, valid where that is easy: the base a mutation then breaks. */
export function sampleOf(schema: Schema, root: Schema = schema, depth = 0): Json {
  const s = deref(schema, root);
  if (depth > 6) return null;
  if ('const' in s) return s['const'] as Json;
  if (Array.isArray(s['enum'])) return s['enum'][0] as Json;
  for (const key of ['oneOf', 'anyOf'] as const) {
    const first = (s[key] as Schema[] | undefined)?.[0];
    if (first) return sampleOf(first, root, depth + 1);
  }
  const types = Array.isArray(s['type']) ? (s['type'] as string[]) : [s['type']];
  const type = types.find((t) => t !== 'null') ?? (s['properties'] ? 'object' : undefined);
  switch (type) {
    case 'object': {
      const props = (s['properties'] ?? {}) as Record<string, Schema>;
      const required = (s['required'] ?? []) as string[];
      return Object.fromEntries(required.filter((k) => props[k]).map((k) => [k, sampleOf(props[k] as Schema, root, depth + 1)]));
    }
    case 'array':
      return Array.from({ length: Number(s['minItems'] ?? 1) }, () => sampleOf((s['items'] ?? {}) as Schema, root, depth + 1));
    case 'integer':
    case 'number':
      return typeof s['minimum'] === 'number' ? s['minimum'] : typeof s['exclusiveMinimum'] === 'number' ? s['exclusiveMinimum'] + 1 : 1;
    case 'boolean':
      return true;
    case 'string':
      if (s['format'] === 'date-time') return new Date().toISOString();
      if (s['format'] === 'uri') return 'http://127.0.0.1/x';
      return 'a'.repeat(Math.max(1, Number(s['minLength'] ?? 1)));
    default:
      return null;
  }
}

type Path = Array<string | number>;

function pathsOf(value: Json, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...at, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...at, k]));
  return out;
}

function edit(value: Json, path: Path, change: (parent: Record<string | number, Json>, key: string | number) => void): Json {
  if (path.length === 0) return value;
  const copy = structuredClone(value) as Json;
  const parent = path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string | number, Json>)[key] as Json, copy);
  change(parent as Record<string | number, Json>, path[path.length - 1] as string | number);
  return copy;
}

export const hugeString = fc.integer({ min: 3_000, max: 120_000 }).map((n) => 'x'.repeat(n));
export const unicode = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 });

/** A value of the wrong kind for whatever was there. */
const wrongValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(-1, 0, 1.5, 2 ** 53 + 2, 1e308, -1e308),
  unicode,
  fc.constant(''),
  fc.array(fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>, { maxKeys: 3 }),
  // Keys that reach object prototypes when code copies objects carelessly.
  fc.constantFrom('__proto__', 'constructor', 'prototype').map((key) => JSON.parse(`{"${key}":{"polluted":true}}`) as Json),
);

export type Mutation =
  | { at: number; how: 'replace'; value: Json }
  | { at: number; how: 'delete' }
  | { at: number; how: 'stretch'; value: string }
  | { at: number; how: 'root'; value: Json };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ at: fc.nat(), how: fc.constant('replace' as const), value: wrongValue }),
  fc.record({ at: fc.nat(), how: fc.constant('delete' as const) }),
  fc.record({ at: fc.nat(), how: fc.constant('stretch' as const), value: fc.oneof(hugeString, unicode) }),
  fc.record({ at: fc.nat(), how: fc.constant('root' as const), value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> }),
);

export function mutate(base: Json, m: Mutation): Json {
  if (m.how === 'root') return m.value;
  const paths = pathsOf(base).filter((p) => p.length > 0);
  const path = paths[m.at % Math.max(1, paths.length)];
  if (!path) return m.how === 'delete' ? null : m.value;
  if (m.how === 'delete') return edit(base, path, (parent, key) => (Array.isArray(parent) ? parent.splice(Number(key), 1) : delete parent[key]));
  return edit(base, path, (parent, key) => (parent[key] = m.value));
}
