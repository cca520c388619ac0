import { documentedRoutes, routeTable } from '@dtg/service-kit';
import { createApp } from '../src/app';
import { startCloud, type CloudHarness } from './support/cloud-harness';

describe('GET /openapi.json', () => {
  let h: CloudHarness;
  beforeAll(async () => {
    h = await startCloud({ dispatcher: false });
  });
  afterAll(() => h.close());

  it('documents exactly the routes the app serves, each with its responses', async () => {
    const document = (await (await fetch(`${h.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(document.openapi).toBe('3.1.0');
    expect(documentedRoutes(document)).toEqual(routeTable(createApp(h.services)));
    for (const operations of Object.values(document.paths)) {
      for (const operation of Object.values(operations)) expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
    }
    expect(documentedRoutes(document)).toEqual(
      expect.arrayContaining(['post /v1/messages', 'get /v1/events', 'get /auth/dingtalk', 'post /callbacks/dingtalk', 'get /healthz']),
    );
  });
});
