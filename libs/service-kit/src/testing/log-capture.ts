import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../logging/create-logger';

export interface CapturedLogs {
  logger: Logger;
  /** Every JSON line written so far, parsed. */
  lines: () => Array<Record<string, unknown>>;
  /** The first line (written so far or later) that matches: a test waits on the log without polling. */
  line: (match: (entry: Record<string, unknown>) => boolean) => Promise<Record<string, unknown>>;
}

/** A real winston logger whose output a test can read back (test-only helper). */
export function captureLogs(level = 'debug'): CapturedLogs {
  const chunks: string[] = [];
  const waiters = new Set<() => void>();
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      for (const wake of waiters) wake();
      callback();
    },
  });
  const logger = createLogger({ service: 'test-service', version: '1.2.3', level, destination });
  const lines = (): Array<Record<string, unknown>> =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const line = (match: (entry: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const check = () => {
        const found = lines().find(match);
        if (!found) return;
        waiters.delete(check);
        resolve(found);
      };
      waiters.add(check);
      check();
    });
  return { logger, lines, line };
}
