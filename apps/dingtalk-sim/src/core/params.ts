import { invalidParam, missingParam } from './sim-error';

/**
 * Reads request fields the way each host does. The old host (TOP gateway) takes everything as
 * strings — form bodies have no types — so "300001" and 300001 are the same agent_id there.
 * The new host is strict JSON: a number where a string is expected is an invalid parameter.
 */
export class ParamReader {
  constructor(
    private readonly source: Record<string, unknown>,
    private readonly mode: 'loose' | 'strict',
  ) {}

  has(name: string): boolean {
    const v = this.source[name];
    return v !== undefined && v !== null && v !== '';
  }

  raw(name: string): unknown {
    return this.source[name];
  }

  str(name: string): string {
    const v = this.optStr(name);
    if (v === undefined) throw missingParam(name);
    return v;
  }

  optStr(name: string): string | undefined {
    const v = this.source[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string') return v;
    if (this.mode === 'loose' && (typeof v === 'number' || typeof v === 'boolean')) return String(v);
    throw invalidParam(name, 'expected a string');
  }

  int(name: string): number {
    const v = this.optInt(name);
    if (v === undefined) throw missingParam(name);
    return v;
  }

  optInt(name: string): number | undefined {
    const v = this.source[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
    if (this.mode === 'loose' && typeof v === 'string' && /^-?\d{1,16}$/.test(v.trim())) return Number(v.trim());
    throw invalidParam(name, 'expected an integer');
  }

  optBool(name: string): boolean | undefined {
    const v = this.source[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'boolean') return v;
    if (this.mode === 'loose' && (v === 'true' || v === 'false')) return v === 'true';
    throw invalidParam(name, 'expected a boolean');
  }

  /** An object field the old host also accepts JSON-encoded as a string (e.g. asyncsend `msg`). */
  json(name: string): Record<string, unknown> {
    const v = this.source[name];
    if (v === undefined || v === null || v === '') throw missingParam(name);
    const parsed = typeof v === 'string' && this.mode === 'loose' ? tryParse(v) : v;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidParam(name, 'expected a JSON object');
    return parsed as Record<string, unknown>;
  }
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
