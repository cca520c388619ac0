import { Counter, Gauge, type Registry } from 'prom-client';

/** How an event settled: the vocabulary ingest reports in and the metrics count by. */
export type IngestOutcome = 'applied' | 'duplicate' | 'parked';
/** Which delivery path brought the event. */
export type EventSource = 'push' | 'pull';

/** What an operator watches: events by outcome (a rising `parked` needs a look), the cursor and how far it is behind the cloud. */
export interface DeliveryMetrics {
  settled(source: EventSource, outcome: IngestOutcome, count: number): void;
  cursor(seq: number): void;
  /** The cloud's newest seq, as its last events page said. */
  cloudSeq(seq: number): void;
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
  let settledUpTo = 0;
  let cloudHas = 0;
  new Gauge({
    name: 'local_store_cloud_seq',
    help: "The cloud's newest seq for this tenant, as of the last pull (absent before the first).",
    registers: [registry],
    collect() {
      this.reset();
      if (cloudHas > 0) this.set(cloudHas);
    },
  });
  new Gauge({
    name: 'local_store_seq_lag',
    help: 'Events the cloud had at the last pull that the store has not settled yet (cloud seq − delivery cursor).',
    registers: [registry],
    collect() {
      this.set(Math.max(0, cloudHas - settledUpTo));
    },
  });
  return {
    settled: (source, outcome, count) => events.inc({ source, outcome }, count),
    cursor: (seq) => {
      settledUpTo = seq;
      cursor.set(seq);
    },
    cloudSeq: (seq) => {
      cloudHas = Math.max(cloudHas, seq);
    },
  };
}
