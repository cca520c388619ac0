export const REDACTED = '[REDACTED]';

// Only credential-like "code" keys (OAuth codes, ISV auth codes): a blanket /code$/ would also
// hide DingTalk's `errcode` and HTTP status codes, which are what an operator needs to read.
const SECRET_KEY = /authorization|cookie|token|secret|password|api[-_]?key|signature|ticket|^(auth_?|tmp_auth_|permanent_?)?code$/i;
// In a query string or form body `state` is the OAuth state: a one-time credential too.
const SECRET_PARAM = /^state$/i;

// Credentials that end up inside free text (error messages, URLs): bearer tokens, webhook
// signing secrets (whsec_…), our API keys (dtg_…) and user tokens (dtgu_…).
const SECRET_IN_TEXT = [/(\bbearer\s+)[A-Za-z0-9._~+/=-]+/gi, /\bwhsec_[A-Za-z0-9+/=_-]+/g, /\bdtgu?_[A-Za-z0-9._-]+/g];

// `name=value` in a URL's query or a form body (`?access_token=…`, `&appsecret=…`, `code=…`).
const PARAM = /(^|[?&;\s])([A-Za-z0-9_.[\]-]{1,64})=([^&#\s"'<>\\]*)/g;
// `"name":"value"` in JSON kept as text (a request body in an error), also when it was escaped
// once more inside another JSON string (`\"appSecret\":\"…\"`).
const JSON_PAIR = /("([^"\\]{1,64})"\s*:\s*)"(?:[^"\\]|\\.)*"/g;
const ESCAPED_JSON_PAIR = /(\\"([^"\\]{1,64})\\"\s*:\s*)\\"[^"\\]*\\"/g;
// A raw HTTP header line (`x-acs-dingtalk-access-token: …` in a request's serialized head).
const HEADER_LINE = /(^|\n)([A-Za-z0-9-]{1,64}):[ \t]*[^\r\n]*/g;
// The password of a URL's userinfo (`postgresql://user:password@host`).
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"']*:)[^\s@/"']+@/gi;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function redactText(text: string): string {
  let result = SECRET_IN_TEXT.reduce(
    (out, pattern) => out.replace(pattern, (match, prefix?: unknown) => (typeof prefix === 'string' ? `${prefix}${REDACTED}` : REDACTED)),
    text,
  );
  result = result.replace(PARAM, (match, lead: string, name: string) => (isSecretKey(name) || SECRET_PARAM.test(name) ? `${lead}${name}=${REDACTED}` : match));
  result = result.replace(JSON_PAIR, (match, head: string, name: string) => (isSecretKey(name) ? `${head}"${REDACTED}"` : match));
  result = result.replace(HEADER_LINE, (match, lead: string, name: string) => (isSecretKey(name) ? `${lead}${name}: ${REDACTED}` : match));
  result = result.replace(ESCAPED_JSON_PAIR, (match, head: string, name: string) => (isSecretKey(name) ? `${head}\\"${REDACTED}\\"` : match));
  return result.replace(URL_PASSWORD, `$1${REDACTED}@`);
}

/** Deep copy with secret-looking keys and substrings replaced; Errors become plain objects keeping their stack. */
export function redact(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, seen));
  if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
  if (value instanceof Date) return value.toISOString();
  const source = value instanceof Error ? errorFields(value) : (value as Record<string, unknown>);
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(source)) {
    copy[key] = isSecretKey(key) ? REDACTED : redact(item, seen);
  }
  return copy;
}

function errorFields(error: Error): Record<string, unknown> {
  return { ...error, name: error.name, message: error.message, stack: error.stack, cause: error.cause };
}
