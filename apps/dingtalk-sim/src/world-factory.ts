import { AccessPolicy } from './access/access-policy';
import { CredentialRegistry } from './auth/credential-registry';
import { TokenStore } from './auth/token-store';
import { CallbackPusher } from './callbacks/callback-pusher';
import type { SimClock } from './core/clock';
import { SeededRandom } from './core/random';
import { RequestLog } from './core/request-log';
import type { Fixture } from './fixture/fixture.schema';
import { FaultInjector } from './limits/faults';
import { MonthlyCallCounter } from './limits/monthly-quota';
import { RateLimiter } from './limits/rate-limiter';
import { MediaStore } from './media/media-store';
import { DeliveryLimits } from './messages/delivery-limits';
import { RobotMinuteCounter } from './robot/robot-minute';
import { TaskStore } from './messages/task-store';
import { TemplateStore } from './messages/template-store';
import { OAuthStore } from './oauth/oauth-store';
import { OrgStore } from './org/org-store';
import type { SimConfig } from './sim-config';
import { StreamGateway } from './stream/stream-gateway';
import type { World } from './world';

/** What a reset keeps: where events go and the open Stream connections. */
export type Wiring = Pick<World, 'callbackUrls' | 'eventModes' | 'stream'>;

export function freshWiring(clock: SimClock, config: () => SimConfig): Wiring {
  const stream = new StreamGateway(
    () => clock.now(),
    () => {
      const c = config();
      return {
        ticketLifetimeMs: c.streamTicketLifetimeMs,
        ackTimeoutMs: c.streamAckTimeoutMs,
        redeliveryDelayMs: c.streamRedeliveryDelayMs,
        maxDeliveries: c.streamMaxDeliveries,
        pingIntervalMs: c.streamPingIntervalMs,
        disconnectGraceMs: c.streamDisconnectGraceMs,
      };
    },
  );
  return { callbackUrls: {}, eventModes: { app: 'http', suite: 'http' }, stream };
}

/** A fresh world from a fixture: no tokens, tasks, log, faults or bans. */
export function createWorld(fixture: Fixture, config: SimConfig, clock: SimClock, wiring: Wiring): World {
  const world: World = {
    clock,
    config,
    fixture,
    orgs: new OrgStore(fixture),
    registry: new CredentialRegistry(fixture, clock.now()),
    tokens: new TokenStore(),
    oauth: new OAuthStore(),
    tasks: new TaskStore(() => world.config.readPercent),
    templates: new TemplateStore(fixture),
    media: new MediaStore(),
    limits: new DeliveryLimits(),
    robotMinute: new RobotMinuteCounter(),
    callbacks: new CallbackPusher(clock, () => ({ timeoutMs: world.config.callbackTimeoutMs, retryDelaysMs: world.config.callbackRetryDelaysMs })),
    limiter: new RateLimiter(),
    faults: new FaultInjector(new SeededRandom(config.faultSeed)),
    requests: new RequestLog(config.requestLogLimit),
    ...wiring,
    access: new AccessPolicy(),
    ipBans: new Map(),
    monthlyCalls: new MonthlyCallCounter(),
  };
  return world;
}
