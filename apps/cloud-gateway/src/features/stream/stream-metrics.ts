import { Gauge } from 'prom-client';
import type { Registry } from '@dtg/service-kit';
import type { StreamConnections } from './stream-connections';

const STATES = ['connecting', 'open', 'backoff'] as const;

/** `dingtalk_stream_connection{source, state}`: 1 for the state each Stream connection is in (alert on backoff). */
export function registerStreamGauge(registry: Registry, connections: StreamConnections): void {
  new Gauge({
    name: 'dingtalk_stream_connection',
    help: 'DingTalk Stream connections by source (app:<tenant> or suite:<key>) and state; 1 marks the current state',
    labelNames: ['source', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of connections.list()) {
        for (const state of STATES) this.set({ source: c.source, state }, c.state === state ? 1 : 0);
      }
    },
  });
}
