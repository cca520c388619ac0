// Without a fresh suite_ticket no suite or corp token can be obtained, and every ISV tenant stops
// working once its cached corp token expires — so a ticket that stops arriving is raised early:
// a log line (warn after SUITE_TICKET_ALARM_AFTER, error after twice that) and a gauge to alert on.
import { Gauge } from 'prom-client';
import type { Logger, Registry } from '@dtg/service-kit';
import type { OpsWebhooks } from '../ops/ops-webhooks';
import type { SuiteTickets } from './suite-tickets';

export interface SuiteTicketAlarmDeps {
  suiteKey: string;
  tickets: SuiteTickets;
  alarmAfterMs: number;
  logger: Logger;
  /** suite_ticket.stale: once per ticket that grew too old (a newer ticket re-arms it). */
  ops?: OpsWebhooks;
  now: () => number;
}

export type TicketHealth = { level: 'ok' | 'warn' | 'error'; ageMs: number; lastReceivedAt?: Date };

export function suiteTicketAlarm(deps: SuiteTicketAlarmDeps) {
  const { suiteKey, tickets, alarmAfterMs, logger } = deps;
  // A suite that never got a ticket counts from start-up: a fresh deployment is not an alarm yet.
  const startedAt = deps.now();

  return {
    async check(): Promise<TicketHealth> {
      const lastReceivedAt = await tickets.lastReceivedAt(suiteKey);
      const ageMs = Math.max(0, deps.now() - (lastReceivedAt?.getTime() ?? startedAt));
      const level = ageMs > 2 * alarmAfterMs ? 'error' : ageMs > alarmAfterMs ? 'warn' : 'ok';
      if (level !== 'ok') {
        const message = lastReceivedAt
          ? 'no new suite_ticket from DingTalk; suite and corp tokens will fail once the cached ones expire'
          : 'no suite_ticket has been received since start-up; check the suite callback URL in the DingTalk console';
        logger[level](message, { suiteKey, ageSeconds: Math.round(ageMs / 1000), lastReceivedAt: lastReceivedAt?.toISOString() });
        // Keyed by the stale ticket (or by this start-up when none ever came): the check runs every
        // minute, the operator hears once per transition.
        await deps.ops?.emitNow(
          'suite_ticket.stale',
          {
            suiteKey,
            ageSeconds: Math.round(ageMs / 1000),
            lastReceivedAt: lastReceivedAt?.toISOString() ?? null,
            alarmAfterSeconds: Math.round(alarmAfterMs / 1000),
          },
          `suite_ticket_stale_${suiteKey}_${lastReceivedAt?.getTime() ?? `none_${startedAt}`}`,
        );
      }
      return { level, ageMs, ...(lastReceivedAt ? { lastReceivedAt } : {}) };
    },
  };
}

export type SuiteTicketAlarm = ReturnType<typeof suiteTicketAlarm>;

/** `suite_ticket_age_seconds{suite}`: absent until a first ticket arrives (alert on absent() too). */
export function registerSuiteTicketGauge(registry: Registry, deps: Pick<SuiteTicketAlarmDeps, 'suiteKey' | 'tickets' | 'now'>): void {
  new Gauge({
    name: 'suite_ticket_age_seconds',
    help: 'Seconds since the newest suite_ticket was issued by DingTalk (pushed about every 5 h)',
    labelNames: ['suite'],
    registers: [registry],
    async collect() {
      this.reset();
      const last = await deps.tickets.lastReceivedAt(deps.suiteKey);
      if (last) this.set({ suite: deps.suiteKey }, Math.max(0, (deps.now() - last.getTime()) / 1000));
    },
  });
}
