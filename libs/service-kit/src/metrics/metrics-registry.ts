import { collectDefaultMetrics, Registry } from 'prom-client';

/** A registry per service (not prom-client's global one) so tests and several apps in one process do not collide. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
