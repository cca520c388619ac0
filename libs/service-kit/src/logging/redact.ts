export const REDACTED = '[REDACTED]';

// Only credential-like "code" keys (OAuth codes, ISV auth codes): a blanket /code$/ would also
// hide DingTalk's `errcode` and HTTP status codes, which are what an operator needs to read.
const SECRET_KEY = /authorization|cookie|token|secret|password|api[-_]?key|signature|ticket|^(auth_?|tmp_auth_|permanent_?)?code$/i;

// Credentials that end up inside free text (error messages, URLs): bearer tokens, webhook
// signing secrets (whsec_…) and our API keys (dtg_…).
const SECRET_IN_TEXT = [/(\bbearer\s+)[A-Za-z0-9._~+/=-]+/gi, /\bwhsec_[A-Za-z0-9+/=_-]+/g, /\bdtg_[A-Za-z0-9_-]+/g];

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function redactText(text: string): string {
  return SECRET_IN_TEXT.reduce(
    (result, pattern) => result.replace(pattern, (match, prefix?: unknown) => (typeof prefix === 'string' ? `${prefix}${REDACTED}` : REDACTED)),
    text,
  );
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
