import { isIP } from 'node:net';
import { z } from 'zod';
import { isPublishedSecret, PUBLISHED_SECRET_MESSAGE } from './published-secrets';

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (reason: string): Parsed<never> => ({ ok: false, reason });

/**
 * Shared shape of every env helper: a blank or unset variable takes the fallback (or is reported
 * as missing); otherwise `parse` decides. Issue messages never echo the raw value.
 */
function envVar<T>(parse: (raw: string) => Parsed<T>, fallback: T | undefined) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T => {
      const text = raw?.trim() ?? '';
      if (text === '') {
        if (fallback !== undefined) return fallback;
        ctx.addIssue({ code: 'custom', message: 'is required but not set' });
        return z.NEVER;
      }
      const parsed = parse(text);
      if (parsed.ok) return parsed.value;
      ctx.addIssue({ code: 'custom', message: parsed.reason });
      return z.NEVER;
    });
}

function parseInteger(text: string, min: number, max: number): Parsed<number> {
  if (!/^-?\d+$/.test(text)) return fail('must be an integer');
  const value = Number(text);
  if (value < min || value > max) return fail(`must be between ${min} and ${max}`);
  return ok(value);
}

export function envPort(fallback?: number) {
  return envVar((text) => parseInteger(text, 0, 65535), fallback);
}

export function envInt(fallback?: number, range: { min?: number; max?: number } = {}) {
  const min = range.min ?? Number.MIN_SAFE_INTEGER;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  return envVar((text) => parseInteger(text, min, max), fallback);
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

export function envBool(fallback?: boolean) {
  return envVar((text) => {
    const word = text.toLowerCase();
    if (TRUE_WORDS.has(word)) return ok(true);
    if (FALSE_WORDS.has(word)) return ok(false);
    return fail('must be one of true/false, 1/0, yes/no, on/off');
  }, fallback);
}

/** Any absolute URL (http(s), postgres, file…); the string is kept as written. */
export function envUrl(fallback?: string) {
  return envVar((text) => (URL.canParse(text) ? ok(text) : fail('must be an absolute URL')), fallback);
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "5000" (milliseconds), "250ms", "5s", "2m", "1h", "1d" → milliseconds. */
export function parseDurationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match?.[1]) return undefined;
  return Math.round(Number(match[1]) * (UNIT_MS[match[2] ?? 'ms'] ?? 1));
}

export function envDurationMs(fallback?: number | string) {
  const fallbackMs = typeof fallback === 'string' ? parseDurationMs(fallback) : fallback;
  if (typeof fallback === 'string' && fallbackMs === undefined) throw new Error(`envDurationMs: bad default "${fallback}"`);
  return envVar((text) => {
    const ms = parseDurationMs(text);
    return ms === undefined ? fail('must be a duration like 5000, 250ms, 5s, 2m, 1h or 1d') : ok(ms);
  }, fallbackMs);
}

/** A duration, or `off` (0): a retention window, an interval a deployment may turn off. */
export function envDurationOrOff(fallback: string) {
  const fallbackMs = fallback === 'off' ? 0 : parseDurationMs(fallback);
  if (fallbackMs === undefined) throw new Error(`envDurationOrOff: bad default "${fallback}"`);
  return envVar((text) => {
    if (text === 'off') return ok(0);
    const ms = parseDurationMs(text);
    return ms === undefined ? fail('must be a duration (30d, 12h, …) or off') : ok(ms);
  }, fallbackMs);
}

/** Required secret. Only its length is ever described, never its content. */
/** A secret: long enough, and never one of the values this repository has published (published-secrets.ts). */
export function envSecret(options: { minLength?: number } = {}) {
  const minLength = options.minLength ?? 1;
  return envVar((text) => {
    if (text.length < minLength) return fail(`must be at least ${minLength} characters long`);
    if (isPublishedSecret(text)) return fail(PUBLISHED_SECRET_MESSAGE);
    return ok(text);
  }, undefined);
}

/** Comma-separated list; items are trimmed and blanks dropped. */
export function envList(fallback?: string[]) {
  return envVar(
    (text) =>
      ok(
        text
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== ''),
      ),
    fallback,
  );
}

export interface RateLimitSetting {
  points: number;
  durationMs: number;
}

/** "60/1m" → at most 60 per minute (the duration takes the units of envDurationMs). */
export function envRateLimit(fallback: string) {
  const parse = (text: string): Parsed<RateLimitSetting> => {
    const [count = '', window = ''] = text.split('/');
    const points = parseInteger(count.trim(), 1, 1_000_000);
    const durationMs = parseDurationMs(window.trim());
    if (!points.ok || durationMs === undefined || durationMs < 1000) return fail('must be <count>/<duration> of at least 1s, e.g. 60/1m');
    return ok({ points: points.value, durationMs });
  };
  const initial = parse(fallback);
  if (!initial.ok) throw new Error(`bad fallback rate limit ${fallback}`);
  return envVar(parse, initial.value);
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrSubnet(item: string): boolean {
  const [address = '', prefix, ...rest] = item.split('/');
  if (rest.length > 0 || isIP(address) === 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (isIP(address) === 4 ? 32 : 128);
}

/**
 * Express's `trust proxy`, explicitly: off (the default: the socket's address is the client's), a
 * number of proxies in front, or the proxies' addresses/subnets (`loopback`, `uniquelocal`,
 * `10.0.0.0/8`…). `true` is refused: it would believe any client's X-Forwarded-For.
 */
export function envTrustProxy() {
  return envVar((text): Parsed<false | number | string[]> => {
    const word = text.toLowerCase();
    if (/^\d+$/.test(text)) return text === '0' ? ok(false) : parseInteger(text, 1, 10);
    if (FALSE_WORDS.has(word)) return ok(false);
    if (TRUE_WORDS.has(word)) return fail('would trust any client’s X-Forwarded-For: give the number of proxies in front, or their addresses');
    const items = text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    if (items.every((item) => PROXY_NAMES.has(item) || isAddressOrSubnet(item))) return ok(items);
    return fail('must be off, a number of proxies, or a list of addresses/subnets (loopback, linklocal, uniquelocal, 10.0.0.0/8…)');
  }, false);
}

/** Comma-separated durations ("5s,5m,30m") → milliseconds each, e.g. a retry schedule. */
export function envDurationList(fallback: string) {
  return envList(fallback.split(',')).transform((items, ctx) => {
    const ms = items.map((item) => parseDurationMs(item));
    if (ms.some((v) => v === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of durations (5s,5m,30m,…)' });
      return z.NEVER;
    }
    return ms as number[];
  });
}
