import type { AddressInfo } from 'node:net';
import winston from 'winston';
import { createApp } from './app';
import { demoFixture } from './fixture/demo-fixture';
import type { Fixture } from './fixture/fixture.schema';
import type { SimConfigInput } from './sim-config';
import { Simulator } from './simulator';

export interface SimOptions {
  /** 0 = a random free port. Default 0. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: the demo org (demoFixture()). */
  fixture?: Fixture;
  /** Sim clock start (ms since epoch). Default: now. */
  startTimeMs?: number;
  /** One line per request on stdout. Default false. */
  log?: boolean;
  /** Behaviour knobs (token lifetimes, limits, task timings, ...); see SimConfigSchema. */
  config?: SimConfigInput;
}

export interface RunningSim {
  /** http://127.0.0.1:<port> — use it as login, api and oapi base URL alike. */
  url: string;
  port: number;
  close(): Promise<void>;
  sim: Simulator;
}

function requestLogger(): winston.Logger {
  return winston.createLogger({
    level: 'info',
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.printf((i) => `${String(i['timestamp'])} dingtalk-sim ${String(i.message)}`),
    ),
    transports: [new winston.transports.Console()],
  });
}

export async function startSimulator(opts: SimOptions = {}): Promise<RunningSim> {
  const sim = new Simulator(opts.fixture ?? demoFixture(), opts.config, opts.startTimeMs);
  const app = createApp(sim, opts.log ? requestLogger() : undefined);
  const host = opts.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const s = app.listen(opts.port ?? 0, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  // Stream mode: connections/open hands out ws://<this host>/connect.
  server.on('upgrade', (req, socket, head) => sim.world.stream.handleUpgrade(req, socket, head));
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    sim,
    close: () =>
      new Promise<void>((resolve, reject) => {
        sim.stop();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
