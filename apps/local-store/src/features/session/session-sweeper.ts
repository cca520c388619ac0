import type { Logger } from '@dtg/service-kit';
import type { PrismaClient } from '../../generated/prisma/client';
import { sessionsRepository } from './sessions.repository';

const SWEEP_EVERY_MS = 60 * 60 * 1000;

/** Expired sessions are already refused on lookup; this only keeps the table from growing forever. */
export function startSessionSweeper(prisma: PrismaClient, logger: Logger): () => void {
  const timer = setInterval(() => {
    sessionsRepository.deleteExpired(prisma).then(
      (count) => {
        if (count > 0) logger.debug('expired sessions removed', { count });
      },
      (error: unknown) => logger.warn('session sweep failed', { err: error }),
    );
  }, SWEEP_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
