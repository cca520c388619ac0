// Push and pull both settle events here: record each id (unique) and apply it in the same
// transaction (one script, one round trip), so a redelivery is reported as a duplicate and changes
// nothing, and a crash leaves either both or neither.
import type { EventEnvelope } from '@dtg/contracts';
import type { Logger } from '@dtg/service-kit';
import type { Pool } from 'pg';
import { isDataRejection, runScript, sqlState } from '../../db/sql';
import { deadEventsRepository, type NewDeadEvent } from './dead-events.repository';
import type { DeliveryMetrics, EventSource, IngestOutcome } from './delivery-metrics';
import { applyStatements } from './event-apply';
import { classifyEvent, unparseable, type Classified } from './event-classify';
import { processedEventsRepository, type ProcessedEventRow } from './processed-events.repository';

export interface Delivery {
  classified: Classified;
  /** The body as received, kept verbatim if the event has to be parked (computed only then). */
  raw: () => string;
}

export interface PageSummary {
  applied: number;
  duplicates: number;
  parked: number;
}

/** A pulled page already validated, so the CPU work can overlap the previous page's database work. */
export interface PreparedPage {
  readonly deliveries: readonly Delivery[];
}

export interface EventIngest {
  /** One signature-checked webhook body; `body` is undefined when it was not valid JSON. */
  ingestPushed(body: unknown, rawText: string, isJson: boolean): Promise<IngestOutcome>;
  /** Validates a page from the cloud's events API (synchronous, no I/O). */
  preparePulled(events: readonly unknown[]): PreparedPage;
  ingestPrepared(page: PreparedPage): Promise<PageSummary>;
  /** preparePulled + ingestPrepared. */
  ingestPulled(events: readonly unknown[]): Promise<PageSummary>;
}

export interface EventIngestDeps {
  pool: Pool;
  tenantId: string;
  logger: Logger;
  /** Told about every seq settled by a committed transaction (drives the cursor). */
  onSettled: (seqs: number[]) => void;
  /** Told when a committed transaction wrote change events (wakes the subscription dispatcher). */
  onChanged?: () => void;
  metrics: DeliveryMetrics;
}

export function createEventIngest(deps: EventIngestDeps): EventIngest {
  const ingest: EventIngest = {
    async ingestPushed(body, rawText, isJson) {
      const classified = isJson ? classifyEvent(body, deps.tenantId) : unparseable();
      const [outcome] = await settleWithFallback(deps, [{ classified, raw: () => rawText }], 'push');
      return outcome ?? 'duplicate';
    },
    preparePulled(events) {
      return { deliveries: events.map((event) => ({ classified: classifyEvent(event, deps.tenantId), raw: () => JSON.stringify(event) ?? '' })) };
    },
    async ingestPrepared(page) {
      const outcomes = await settleWithFallback(deps, page.deliveries, 'pull');
      return {
        applied: outcomes.filter((outcome) => outcome === 'applied').length,
        duplicates: outcomes.filter((outcome) => outcome === 'duplicate').length,
        parked: outcomes.filter((outcome) => outcome === 'parked').length,
      };
    },
    ingestPulled: (events) => ingest.ingestPrepared(ingest.preparePulled(events)),
  };
  return ingest;
}

/**
 * A batch is one transaction. If Postgres refuses the data of some event in it, the batch is
 * retried one event at a time so only the refused event is parked; anything else (database down)
 * propagates so the sender retries.
 */
async function settleWithFallback(deps: EventIngestDeps, deliveries: readonly Delivery[], source: EventSource): Promise<IngestOutcome[]> {
  try {
    return await settleBatch(deps, deliveries, source);
  } catch (error) {
    if (!isDataRejection(error)) throw error;
    if (deliveries.length > 1) {
      const outcomes: IngestOutcome[] = [];
      for (const delivery of deliveries) outcomes.push(...(await settleWithFallback(deps, [delivery], source)));
      return outcomes;
    }
    const [delivery] = deliveries as [Delivery];
    const reason = `database refused the event (SQLSTATE ${sqlState(error) ?? 'unknown'}): ${(error as Error).message}`;
    deps.logger.warn('event parked: database refused it', { source, eventId: eventIdOf(delivery.classified), sqlState: sqlState(error) });
    return settleBatch(deps, [{ ...delivery, classified: asParked(delivery.classified, reason) }], source);
  }
}

async function settleBatch(deps: EventIngestDeps, deliveries: readonly Delivery[], source: EventSource): Promise<IngestOutcome[]> {
  // The apply statements go last: their final statement (numbering change events) returns a row per event.
  const apply = applyStatements(deps.tenantId, validEvents(deliveries));
  const results = await runScript(deps.pool, [
    processedEventsRepository.insertNew(deps.tenantId, deliveries.flatMap(processedRow)),
    ...deadEventsRepository.insert(deadEvents(deliveries, source)),
    ...apply,
  ]);
  const recorded = results[0] ?? [];
  if (apply.length > 0 && (results.at(-1)?.length ?? 0) > 0) deps.onChanged?.();
  /** Ids recorded by this script: the events it applied or parked (the others were duplicates). */
  const fresh = new Set((recorded as { event_id: string }[]).map((row) => row.event_id));
  const settledSeqs = deliveries.flatMap(({ classified }) => settledSeq(classified, fresh) ?? []);
  if (settledSeqs.length > 0) deps.onSettled(settledSeqs);
  const outcomes = deliveries.map(({ classified }) => outcomeOf(classified, fresh));
  countOutcomes(deps.metrics, source, outcomes);
  for (const [index, outcome] of outcomes.entries()) {
    const classified = deliveries[index]?.classified;
    if (outcome === 'parked' && classified?.kind === 'invalid') {
      deps.logger.warn('event parked', { source, eventId: classified.eventId, seq: classified.seq, reason: classified.reason });
    }
  }
  return outcomes;
}

function countOutcomes(metrics: DeliveryMetrics, source: EventSource, outcomes: readonly IngestOutcome[]): void {
  const counts = new Map<IngestOutcome, number>();
  for (const outcome of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  for (const [outcome, count] of counts) metrics.settled(source, outcome, count);
}

function processedRow({ classified }: Delivery): ProcessedEventRow[] {
  if (classified.kind === 'valid') {
    const { id, seq, type } = classified.event;
    return [{ eventId: id, seq, type, outcome: 'applied' }];
  }
  if (!classified.settles || classified.eventId === undefined || classified.seq === undefined) return [];
  return [{ eventId: classified.eventId, seq: classified.seq, type: classified.type ?? 'unknown', outcome: 'parked' }];
}

function deadEvents(deliveries: readonly Delivery[], source: EventSource): NewDeadEvent[] {
  return deliveries.flatMap(({ classified, raw }) =>
    classified.kind === 'invalid'
      ? [{ eventId: classified.eventId, seq: classified.seq, type: classified.type, source, reason: classified.reason, raw: raw() }]
      : [],
  );
}

function outcomeOf(classified: Classified, fresh: Set<string>): IngestOutcome {
  if (classified.kind === 'valid') return fresh.has(classified.event.id) ? 'applied' : 'duplicate';
  if (classified.settles && !fresh.has(classified.eventId ?? '')) return 'duplicate';
  return 'parked';
}

function settledSeq(classified: Classified, fresh: Set<string>): number | undefined {
  if (classified.kind === 'valid') return fresh.has(classified.event.id) ? classified.event.seq : undefined;
  return classified.settles && fresh.has(classified.eventId ?? '') ? classified.seq : undefined;
}

function asParked(classified: Classified, reason: string): Classified {
  if (classified.kind === 'invalid') return { ...classified, reason: `${classified.reason}; ${reason}` };
  const { id, seq, type } = classified.event;
  return { kind: 'invalid', reason, eventId: id, seq, type, settles: true };
}

function eventIdOf(classified: Classified): string | undefined {
  return classified.kind === 'valid' ? classified.event.id : classified.eventId;
}

function validEvents(deliveries: readonly Delivery[]): EventEnvelope[] {
  return deliveries.flatMap(({ classified }) => (classified.kind === 'valid' ? [classified.event] : []));
}
