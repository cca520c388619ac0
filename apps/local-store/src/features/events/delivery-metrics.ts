import { Counter, Gauge, type Registry } from 'prom-client';

/** How an event settled: the vocabulary ingest reports in and the metrics count by. */
export type IngestOutcome = 'applied' | 'duplicate' | 'parked';
/** Which delivery path brought the event. */
export type EventSource = 'push' | 'pull';

/** What an operator watches: events by outcome (a rising `parked` needs a look) and the cursor (lag). */
export interface DeliveryMetrics {
  settled(source: EventSource, outcome: IngestOutcome, count: number): void;
  cursor(seq: number): void;
}

export function createDeliveryMetrics(registry: Registry): DeliveryMetrics {
  const events = new Counter({
    name: 'local_store_events_total',
    help: 'Cloud events received, by delivery path and outcome (applied, duplicate, parked).',
    labelNames: ['source', 'outcome'] as const,
    registers: [registry],
  });
  const cursor = new Gauge({
    name: 'local_store_delivery_cursor',
    help: 'Highest seq S such that every event up to S is settled.',
    registers: [registry],
  });
  return {
    settled: (source, outcome, count) => events.inc({ source, outcome }, count),
    cursor: (seq) => cursor.set(seq),
  };
}
