import type { World } from '../world';
import type { AttemptResult, CallbackTarget } from './callback-delivery';
import type { CallbackTargetKind, Delivery } from './callback-pusher';
import { contactRows, syncHttpPush, type ContactChange } from './sync-http';

export class CallbackConfigError extends Error {}

/** An event handed to the Stream gateway: it is delivered (and redelivered) until acknowledged. */
export interface StreamDispatch {
  target: CallbackTargetKind;
  channel: 'stream';
  clientId: string;
  messageId: string;
  eventId: string;
}

export type Dispatch = PushOutcome | StreamDispatch;

/** Publishes an event to an app's or suite's Stream connections (queued while none is open). */
export function streamEvent(world: World, target: CallbackTargetKind, clientId: string, eventType: string, data: object, corpId?: string): StreamDispatch {
  const message = world.stream.publishEvent({ clientId, eventType, data, ...(corpId !== undefined ? { corpId } : {}) });
  return { target, channel: 'stream', clientId, messageId: message.messageId, eventId: message.headers['eventId'] ?? '' };
}

export interface PushOutcome {
  target: CallbackTargetKind;
  deliveryId: number;
  httpStatus: number;
  acknowledged: boolean;
  reply: unknown;
  error?: string;
}

function appTarget(world: World, appKey: string): CallbackTarget | undefined {
  const app = world.registry.app(appKey);
  const url = world.callbackUrls.appUrl;
  if (!app || !url) return undefined;
  // [CONFLICT] owner key for internal apps: CorpId (crypto page, default) or AppKey (FAQ).
  const ownerKey = world.config.appCallbackOwnerKey === 'appKey' ? app.appKey : app.corpId;
  return { url, token: app.callbackToken, aesKey: app.aesKey, ownerKey };
}

function suiteTarget(world: World, suiteKey: string): CallbackTarget | undefined {
  const suite = world.registry.suite(suiteKey);
  const url = world.callbackUrls.suiteUrl;
  if (!suite || !url) return undefined;
  return { url, token: suite.callbackToken, aesKey: suite.aesKey, ownerKey: suite.suiteKey };
}

export function resolveTarget(world: World, d: Delivery): CallbackTarget | undefined {
  return d.target === 'app' ? appTarget(world, d.sourceKey) : suiteTarget(world, d.sourceKey);
}

function outcome(target: CallbackTargetKind, delivery: Delivery, first: AttemptResult): PushOutcome {
  return {
    target,
    deliveryId: delivery.id,
    httpStatus: first.httpStatus,
    acknowledged: first.acknowledged,
    reply: first.reply,
    ...(first.error !== undefined ? { error: first.error } : {}),
  };
}

/** Pushes to the internal app of `corpId` (the demo app when corpId is omitted). */
export async function pushToApp(world: World, event: Record<string, unknown>, corpId?: string): Promise<PushOutcome> {
  const app = world.registry.allApps().find((a) => corpId === undefined || a.corpId === corpId);
  if (!app) throw new CallbackConfigError(`no internal app in org ${corpId}`);
  const to = appTarget(world, app.appKey);
  if (!to) throw new CallbackConfigError('no app callback URL configured (PUT /_sim/callbacks)');
  const { delivery, first } = await world.callbacks.push('app', app.appKey, to, event, app.corpId);
  return outcome('app', delivery, first);
}

export async function pushToSuite(world: World, event: Record<string, unknown>, corpId?: string, suiteKey?: string): Promise<PushOutcome> {
  const suite = suiteKey !== undefined ? world.registry.suite(suiteKey) : world.registry.allSuites()[0];
  if (!suite) throw new CallbackConfigError('no such suite');
  const to = suiteTarget(world, suite.suiteKey);
  if (!to) throw new CallbackConfigError('no suite callback URL configured (PUT /_sim/callbacks)');
  const { delivery, first } = await world.callbacks.push('suite', suite.suiteKey, to, event, corpId);
  return outcome('suite', delivery, first);
}

/**
 * A contact change in an org goes to every subscriber that can see it — the org's internal app and
 * each suite installed there — over the subscriber kind's push mode: HTTP (the legacy PascalCase
 * body), SyncHTTP (biz_type 13/14 rows, suites) or Stream (camelCase `data`, as the event pages
 * give it). HTTP subscribers without a URL are skipped.
 */
export async function notifyContactChange(world: World, corpId: string, change: ContactChange): Promise<Dispatch[]> {
  const now = world.clock.now();
  const ids = change.userIds ? { UserId: change.userIds } : { DeptId: change.deptIds ?? [] };
  const legacy = { EventType: change.eventType, ...ids, CorpId: corpId, TimeStamp: String(now) };
  const streamData = change.userIds ? { timeStamp: String(now), userId: change.userIds } : { timeStamp: String(now), deptId: change.deptIds ?? [] };
  const out: Array<Promise<Dispatch> | Dispatch> = [];
  for (const app of world.registry.allApps().filter((a) => a.corpId === corpId)) {
    if (world.eventModes.app === 'stream') out.push(streamEvent(world, 'app', app.appKey, change.eventType, streamData, corpId));
    else if (world.callbackUrls.appUrl) out.push(pushToApp(world, legacy, app.corpId));
  }
  for (const suite of world.registry.allSuites().filter((s) => world.registry.install(s.suiteKey, corpId))) {
    const mode = world.eventModes.suite;
    if (mode === 'stream') out.push(streamEvent(world, 'suite', suite.suiteKey, change.eventType, streamData, corpId));
    else if (world.callbackUrls.suiteUrl) {
      const event = mode === 'synchttp' ? syncHttpPush(suite.suiteId, corpId, contactRows(world, suite, corpId, change), now) : legacy;
      out.push(pushToSuite(world, event, corpId, suite.suiteKey));
    }
  }
  return Promise.all(out);
}
