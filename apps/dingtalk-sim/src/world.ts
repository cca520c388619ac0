import type { AccessPolicy } from './access/access-policy';
import type { CredentialRegistry } from './auth/credential-registry';
import type { OAuthStore } from './oauth/oauth-store';
import type { TokenStore } from './auth/token-store';
import type { CallbackPusher } from './callbacks/callback-pusher';
import type { SimClock } from './core/clock';
import type { RequestLog } from './core/request-log';
import type { Fixture } from './fixture/fixture.schema';
import type { FaultInjector } from './limits/faults';
import type { MonthlyCallCounter } from './limits/monthly-quota';
import type { RateLimiter } from './limits/rate-limiter';
import type { MediaStore } from './media/media-store';
import type { DeliveryLimits } from './messages/delivery-limits';
import type { TaskStore } from './messages/task-store';
import type { TemplateStore } from './messages/template-store';
import type { OrgStore } from './org/org-store';
import type { RobotMinuteCounter } from './robot/robot-minute';
import type { SimConfig } from './sim-config';
import type { StreamGateway } from './stream/stream-gateway';

/**
 * How each kind of subscriber receives events (the DingTalk console's push mode): internal apps by
 * encrypted HTTP or Stream; suites by legacy HTTP, SyncHTTP (biz_type rows) or Stream.
 */
export interface EventModes {
  app: 'http' | 'stream';
  suite: 'http' | 'synchttp' | 'stream';
}

/**
 * Everything the simulator knows. Routes and services receive this one object; `reset()` swaps
 * its stores in place, so nothing holds a stale reference.
 */
export interface World {
  clock: SimClock;
  config: SimConfig;
  fixture: Fixture;
  orgs: OrgStore;
  registry: CredentialRegistry;
  tokens: TokenStore;
  oauth: OAuthStore;
  tasks: TaskStore;
  /** Per-suite work-notification templates and whether the suite must send with them. */
  templates: TemplateStore;
  /** Uploaded media (metadata only): sends refuse a media_id not uploaded by the sender. */
  media: MediaStore;
  limits: DeliveryLimits;
  /** Robot 1:1 recipients per robot per minute (flow control). */
  robotMinute: RobotMinuteCounter;
  callbacks: CallbackPusher;
  limiter: RateLimiter;
  faults: FaultInjector;
  requests: RequestLog;
  /** Where pushes go; wiring, so it survives reset(). */
  callbackUrls: { appUrl?: string; suiteUrl?: string };
  /** Push channel per subscriber kind; wiring too. */
  eventModes: EventModes;
  /** Stream connections are wiring as well: reset() keeps them and clears their messages. */
  stream: StreamGateway;
  /** Granted permissions, IP allow-lists and ISV contact scopes (all open unless switched on). */
  access: AccessPolicy;
  /** Per-IP ban (ip-ban fault) end times, in sim ms. */
  ipBans: Map<string, number>;
  /** Counted API calls per org and month, against config.monthlyCallQuota. */
  monthlyCalls: MonthlyCallCounter;
}
