// Strings that look fine to JavaScript but break on the way to a database: a NUL (U+0000), which
// Postgres cannot store in text or jsonb (and some layers strip silently), and a lone UTF-16
// surrogate ("\ud800"), which is not Unicode at all (Postgres refuses it in jsonb, SQLSTATE 22P02).
// Refused at the edge, in every input location, so nothing that cannot be stored is ever accepted.
import type { FieldError } from '../errors/app-error';

const NUL_MESSAGE = 'must not contain a NUL character (U+0000)';
const SURROGATE_MESSAGE = 'must be valid Unicode (it contains an unpaired surrogate)';
// With the `u` flag a surrogate pair is one code point, so only an unpaired half matches Cs.
const LONE_SURROGATE = /\p{Cs}/u;

function problemOf(text: string): string | undefined {
  if (text.includes('\u0000')) return NUL_MESSAGE;
  if (LONE_SURROGATE.test(text)) return SURROGATE_MESSAGE;
  return undefined;
}

/**
 * Every string (and object key) under `value` holding a NUL or an unpaired surrogate, as field
 * errors named like zod's (`body.msg.text.content`). Iterative: a deeply nested body cannot
 * overflow the stack.
 */
export function unsafeTextFields(value: unknown, location: string): FieldError[] {
  const found: FieldError[] = [];
  const pending: Array<{ value: unknown; path: string }> = [{ value, path: location }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: item, path } = next;
    if (typeof item === 'string') {
      const message = problemOf(item);
      if (message) found.push({ path, message });
    } else if (Array.isArray(item)) {
      item.forEach((inner, index) => pending.push({ value: inner, path: `${path}.${index}` }));
    } else if (item !== null && typeof item === 'object') {
      for (const [key, inner] of Object.entries(item)) {
        const keyProblem = problemOf(key);
        // A bad key is named by its position's parent: the key itself cannot be printed as a path.
        if (keyProblem) found.push({ path, message: `has a key that ${keyProblem}` });
        else pending.push({ value: inner, path: `${path}.${key}` });
      }
    }
  }
  return found.reverse();
}
