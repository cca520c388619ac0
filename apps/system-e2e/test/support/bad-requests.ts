// Bad requests for every operation a service publishes in its /openapi.json, as fast-check
// arbitraries: wrong types, missing fields, huge strings and unicode in bodies (checked to really
// break the published schema), malformed JSON, wrong content types, bad path parameters and query
// strings, bad credentials. Each says whether the service must refuse it (`mustReject`): a read
// with junk in its query may well answer 200, a write with a broken body may not.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { hugeString, mutate, mutation, sampleOf, unicode, type Schema } from './bad-values';

interface OpenApiOperation {
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Schema }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  security?: Array<Record<string, unknown>>;
}

export interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: Record<string, unknown>;
}

export interface Operation {
  method: string;
  /** OpenAPI template, e.g. `/v1/messages/{id}`. */
  path: string;
  pathParams: string[];
  query: Array<{ name: string; schema: Schema }>;
  headers: Array<{ name: string; schema: Schema }>;
  body?: { required: boolean; schema: Schema; validate: ValidateFunction };
  /** Alternatives, each a list of scheme names; [] = public. */
  security: string[][];
}

export interface BadRequest {
  kind: string;
  method: string;
  target: string;
  headers: Record<string, string>;
  body?: string;
  /** A body of this many bytes (over the 1 MB limit), built at send time so reports stay short. */
  oversizedBytes?: number;
  mustReject: boolean;
}

/** The headers that authenticate a request under each security scheme the services declare. */
export type Credentials = Record<string, Record<string, string>>;

export function operationsOf(doc: OpenApiDoc): Operation[] {
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
  addFormats(ajv);
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = op.parameters ?? [];
      const bodySchema = op.requestBody?.content?.['application/json']?.schema;
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        headers: params.filter((p) => p.in === 'header').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        // `$ref`s point into the document's components: compile the schema with them beside it.
        body: bodySchema
          ? { required: op.requestBody?.required !== false, schema: bodySchema, validate: ajv.compile({ ...bodySchema, components: doc.components ?? {} }) }
          : undefined,
        security: (op.security ?? []).map((alternative) => Object.keys(alternative)),
      });
    }
  }
  return ops;
}

/** Header values may not carry CR, LF or other control characters (they would split the header). */
const headerSafe = (s: string) => s.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '');

function badAuthorization(valid: string | undefined): fc.Arbitrary<string | undefined> {
  const options: Array<fc.Arbitrary<string | undefined>> = [
    fc.constant(undefined),
    fc.constantFrom('', 'Bearer', 'Bearer ', 'bearer  ', 'Basic', 'Token abc', 'Bearer null', 'Bearer undefined'),
    unicode.map((s) => `Bearer ${s}`),
    fc.base64String({ minLength: 4, maxLength: 60 }).map((s) => `Bearer dtg_${s}`),
    fc.tuple(fc.base64String({ maxLength: 80 }), fc.base64String({ maxLength: 44 })).map(([a, b]) => `Bearer dtgu_${a}.${b}`),
    fc.string().map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
    fc.integer({ min: 100, max: 7_000 }).map((n) => `Bearer ${'x'.repeat(n)}`),
    unicode,
  ];
  if (valid) {
    const token = valid.replace(/^Bearer /, '');
    options.push(
      fc.constantFrom(`Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, `Bearer ${token.toUpperCase()}`, `Basic ${token}`, token, `Bearer ${token} ${token}`),
    );
  }
  return fc.oneof(...options).map((v) => (v === undefined ? v : headerSafe(v)));
}

const badCookie = fc.oneof(
  fc.constant(undefined),
  fc.base64String({ maxLength: 60 }).map((s) => `dtg_session=${s}`),
  unicode.map((s) => `dtg_session=${encodeURIComponent(s)}`),
  fc.integer({ min: 100, max: 6_000 }).map((n) => `dtg_session=${'a'.repeat(n)}`),
  fc.constantFrom('dtg_session=', 'dtg_session', '=;;=', 'dtg_session=%zz', 'dtg_session="unterminated'),
);

/** A path segment: unicode (encoded), too long, or deliberately mis-encoded. */
const badSegment: fc.Arbitrary<string> = fc.oneof(
  unicode.map(encodeURIComponent),
  fc.string({ minLength: 1, maxLength: 30 }).map(encodeURIComponent),
  fc.integer({ min: 65, max: 4_000 }).map((n) => 'a'.repeat(n)),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '%F0%9F%98', '..', '%2e%2e', '%2F', 'a%2Fb', '%00', '%20', '-1', '0', 'null', '9'.repeat(40), '%C0%AF'),
);

/** A query value that is wrong for most schemas; sometimes raw, mis-encoded text. */
const badQueryValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('-1', '0', '1.5', '1e999', '0x10', 'NaN', 'Infinity', '', 'true', 'null', '9'.repeat(30), '[]', '{}').map(encodeURIComponent),
  unicode.map(encodeURIComponent),
  fc.integer({ min: 200, max: 5_000 }).map((n) => 'q'.repeat(n)),
  fc.constantFrom('%', '%zz', '%E0%A4%A', 'a&b', 'a=b=c'),
);

const junkQuery = fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 12 }).map(encodeURIComponent), badQueryValue), { maxLength: 4 });

const malformedJson = fc.oneof(
  fc.constantFrom('{', '}', '{"a":', '{"a":1,}', "{'a':1}", '[1,2', 'nul', 'tru', '{"a":1}}', '\u0000', '{"a":"\\x41"}', '{"a":1e}', '01', '"unterminated'),
  fc.string({ minLength: 1, maxLength: 200 }).filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
);

const wrongContentType = fc.constantFrom(
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'text/html; charset=utf-8',
  'application/json; charset=latin9',
  'image/png',
);

function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => values[name] ?? 'zz-no-such-thing');
}

function validAuth(op: Operation, creds: Credentials): Record<string, string> | undefined {
  if (op.security.length === 0) return {};
  const usable = op.security.find((alternative) => alternative.every((scheme) => creds[scheme]));
  return usable ? Object.assign({}, ...usable.map((scheme) => creds[scheme])) : undefined;
}

/** Every kind of bad request that applies to the operation, weighted towards the cheap ones. */
export function badRequestsFor(op: Operation, creds: Credentials): fc.Arbitrary<BadRequest> {
  const auth = validAuth(op, creds);
  // An operation nobody here can authenticate for (a webhook signature) refuses everything.
  const authenticated = auth !== undefined;
  const base = { accept: 'application/json', ...(auth ?? {}) };
  // A read may answer junk it ignores with 200; a write must refuse every request made here. The
  // one exception is a public write that takes no input at all (logout): there is nothing to break.
  const inputless = op.security.length === 0 && !op.body && op.pathParams.length === 0 && op.query.length === 0;
  const mayAccept = authenticated && (op.method === 'GET' || inputless);
  const plainTarget = fillPath(op.path, {});
  const sample = op.body ? sampleOf(op.body.schema, op.body.schema) : undefined;
  const kinds: Array<fc.WeightedArbitrary<BadRequest>> = [];
  const add = (weight: number, arbitrary: fc.Arbitrary<BadRequest>) => kinds.push({ weight, arbitrary });

  // Junk beside valid credentials is only bad input where it cannot make a valid write.
  if (op.method === 'GET' || op.security.length === 0) {
    add(
      5,
      fc
        .tuple(
          junkQuery,
          fc.dictionary(fc.constantFrom('x-request-id', 'x-junk', 'accept-language', 'if-none-match', 'origin'), unicode.map(headerSafe), { maxKeys: 2 }),
        )
        .map(([query, headers]) => ({
          kind: 'junk query and headers, no body',
          method: op.method,
          target: `${plainTarget}${query.length ? `?${query.map(([k, v]) => `${k}=${v}`).join('&')}` : ''}`,
          headers: { ...base, ...headers },
          mustReject: !mayAccept,
        })),
    );
  }
  if (op.security.length > 0) {
    const validToken = auth?.['authorization'];
    const session = op.security.some((alt) => alt.includes('session'));
    add(
      15,
      fc.tuple(badAuthorization(validToken), session ? badCookie : fc.constant(undefined)).map(([authorization, cookie]) => {
        const headers: Record<string, string> = { accept: 'application/json' };
        if (authorization !== undefined) headers['authorization'] = authorization;
        if (cookie !== undefined) headers['cookie'] = cookie;
        if (sample !== undefined) headers['content-type'] = 'application/json';
        return {
          kind: 'bad credentials',
          method: op.method,
          target: plainTarget,
          headers,
          body: sample === undefined ? undefined : JSON.stringify(sample),
          mustReject: true,
        };
      }),
    );
  }
  if (op.pathParams.length > 0) {
    add(
      15,
      fc.tuple(...op.pathParams.map(() => badSegment)).map((segments) => ({
        kind: 'bad path parameters',
        method: op.method,
        target: fillPath(op.path, Object.fromEntries(op.pathParams.map((name, i) => [name, segments[i] ?? '']))),
        headers: sample === undefined ? base : { ...base, 'content-type': 'application/json' },
        body: sample === undefined ? undefined : JSON.stringify(sample),
        mustReject: !mayAccept,
      })),
    );
  }
  if (op.query.length > 0) {
    add(
      15,
      fc
        .tuple(fc.array(fc.tuple(fc.constantFrom(...op.query.map((q) => q.name)), badQueryValue), { minLength: 1, maxLength: 4 }), junkQuery)
        .map(([known, junk]) => ({
          kind: 'bad query string',
          method: op.method,
          target: `${plainTarget}?${[...known, ...junk].map(([k, v]) => `${k}=${v}`).join('&')}`,
          headers: base,
          mustReject: !mayAccept,
        })),
    );
  }
  if (op.body) {
    const body = op.body;
    add(
      30,
      fc
        .tuple(
          mutation,
          fc.option(
            fc.oneof(
              unicode,
              hugeString.map((s) => s.slice(0, 4000)),
            ),
            { nil: undefined },
          ),
        )
        .map(([m, idempotencyKey]) => ({ value: mutate(sample ?? null, m), idempotencyKey }))
        .filter(({ value }) => !body.validate(value))
        .map(({ value, idempotencyKey }) => ({
          kind: 'body that breaks the schema',
          method: op.method,
          target: plainTarget,
          headers: {
            ...base,
            'content-type': 'application/json',
            ...(idempotencyKey && op.headers.length ? { 'idempotency-key': headerSafe(idempotencyKey) } : {}),
          },
          body: JSON.stringify(value),
          mustReject: true,
        })),
    );
    add(
      3,
      // Nesting deep enough to break recursive code (parsers, validators, serialisers, loggers);
      // kept as text because building it as a value would break this test's own JSON.stringify.
      fc.integer({ min: 1_000, max: 60_000 }).map((depth) => ({
        kind: 'deeply nested JSON',
        method: op.method,
        target: plainTarget,
        headers: { ...base, 'content-type': 'application/json' },
        body: `${'['.repeat(depth)}${']'.repeat(depth)}`,
        mustReject: true,
      })),
    );
    add(
      10,
      malformedJson.map((text) => ({
        kind: 'malformed JSON',
        method: op.method,
        target: plainTarget,
        headers: { ...base, 'content-type': 'application/json' },
        body: text,
        mustReject: true,
      })),
    );
    add(
      10,
      fc.tuple(wrongContentType, fc.oneof(fc.string({ minLength: 1, maxLength: 200 }), fc.constant(JSON.stringify(sample)))).map(([type, text]) => ({
        kind: 'wrong content type',
        method: op.method,
        target: plainTarget,
        headers: { ...base, 'content-type': type },
        body: text,
        mustReject: true,
      })),
    );
    add(
      1,
      fc.integer({ min: 1_100_000, max: 1_300_000 }).map((bytes) => ({
        kind: 'body over the size limit',
        method: op.method,
        target: plainTarget,
        headers: { ...base, 'content-type': 'application/json' },
        oversizedBytes: bytes,
        mustReject: true,
      })),
    );
  }
  // Node refuses a request line and headers over 16 KB itself (a bare 431, before any of our code
  // runs); the services' own handling is what is tested, so targets stay within 8 KB.
  return fc.oneof(...kinds).map((bad) => ({ ...bad, target: bad.target.slice(0, 8 * 1024) }));
}

export function bodyOf(request: BadRequest): string | undefined {
  if (request.oversizedBytes !== undefined) return JSON.stringify({ padding: 'p'.repeat(request.oversizedBytes) });
  return request.body;
}
