export interface RequestLogEntry {
  seq: number;
  /** Sim-clock time the request arrived. */
  atMs: number;
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** 0 while in flight, or when the simulator dropped the connection (timeout fault). */
  httpStatus: number;
  errcode?: number;
  code?: string;
  clientKey?: string;
  /** Injected fault kind, when one fired on this request. */
  fault?: string;
}

export interface RequestLogFilter {
  pathPrefix?: string;
  sinceSeq?: number;
}

// Secrets never leave the simulator, not even through its own control plane.
const SECRET_KEY = /secret|password/i;

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) ? '[REDACTED]' : redactSecrets(inner)]));
}

/** Every DingTalk-facing request in arrival order, bounded so long benchmark runs stay small. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private nextSeq = 1;

  constructor(private readonly limit: number) {}

  open(entry: Omit<RequestLogEntry, 'seq' | 'httpStatus'>): RequestLogEntry {
    const full: RequestLogEntry = {
      ...entry,
      query: redactSecrets(entry.query) as Record<string, string>,
      body: redactSecrets(entry.body),
      seq: this.nextSeq++,
      httpStatus: 0,
    };
    this.entries.push(full);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    return full;
  }

  list(filter: RequestLogFilter = {}): RequestLogEntry[] {
    return this.entries.filter(
      (e) => (filter.pathPrefix === undefined || e.path.startsWith(filter.pathPrefix)) && (filter.sinceSeq === undefined || e.seq > filter.sinceSeq),
    );
  }

  clear(): void {
    this.entries = [];
  }
}
