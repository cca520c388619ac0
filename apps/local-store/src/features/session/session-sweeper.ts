import type { Logger } from '@dtg/service-kit';
import type { Database } from '../../db/database';
import { loginTicketsRepository } from './login-tickets.repository';
import { sessionsRepository } from './sessions.repository';

const SWEEP_EVERY_MS = 60 * 60 * 1000;

/**
 * Expired sessions and login tickets are already refused on lookup; this keeps the tables from
 * growing forever, and drops the sealed cloud token an unredeemed ticket still held.
 */
export async function sweepExpired(db: Database): Promise<{ sessions: number; loginTickets: number }> {
  return { sessions: await sessionsRepository.deleteExpired(db.sql), loginTickets: await loginTicketsRepository.deleteExpired(db.sql) };
}

export function startSessionSweeper(db: Database, logger: Logger): () => void {
  const timer = setInterval(() => {
    sweepExpired(db).then(
      (count) => {
        if (count.sessions > 0 || count.loginTickets > 0) logger.debug('expired sessions and login tickets removed', count);
      },
      (error: unknown) => logger.warn('session sweep failed', { err: error }),
    );
  }, SWEEP_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
