import { Router } from 'express';
import { z } from 'zod';
import { MessageTemplateSchema } from '../fixture/fixture.schema';
import { DeptCreateSchema, DeptPatchSchema, UserCreateSchema, UserPatchSchema, UsersBulkSchema } from '../org/org-admin.schema';
import { SimulatorError, type Simulator } from '../simulator';
import { control, flag } from './control-handler';

const CallbackUrlsSchema = z.object({
  appUrl: z.url().nullable().optional(),
  suiteUrl: z.url().nullable().optional(),
  /** Push mode: internal apps http | stream; suites http (legacy) | synchttp | stream. */
  appMode: z.enum(['http', 'stream']).optional(),
  suiteMode: z.enum(['http', 'synchttp', 'stream']).optional(),
});
const StreamTargetSchema = z.object({ target: z.enum(['app', 'suite']).default('app'), corpId: z.string().optional() });
const StreamEventSchema = StreamTargetSchema.extend({ eventType: z.string().min(1).max(128), data: z.looseObject({}).default({}) });
const StreamCallbackSchema = StreamTargetSchema.extend({ topic: z.string().min(1).max(256), data: z.looseObject({}).default({}) });
const StreamFilterSchema = z.object({ clientId: z.string().optional(), connectionId: z.string().optional() });
const StreamDropSchema = z.object({
  clientId: z.string().optional(),
  when: z.enum(['on-ack', 'after-send']).default('on-ack'),
  times: z.number().int().min(1).max(1000).default(1),
});
const PushSchema = z.object({
  target: z.enum(['app', 'suite']),
  corpId: z.string().optional(),
  event: z.looseObject({ EventType: z.string().min(1) }),
});
const SuiteTemplatesSchema = z.object({
  /** Mark the suite as created after 2020-11-27: asyncsend_v2 is refused, sendbytemplate sends. */
  requiresTemplate: z.boolean().optional(),
  /** Replaces the suite's templates (as configured and enabled in DingTalk's console). */
  templates: z.array(MessageTemplateSchema).optional(),
});
const intParam = (value: string | undefined) => z.coerce.number().int().positive().parse(value);

/** `/_sim/...` for the simulated world: tasks, inboxes, org changes, callbacks, suite lifecycle. */
export function worldControlRoutes(sim: Simulator): Router {
  const router = Router();
  router.get(
    '/_sim/tasks',
    control(() => sim.tasks()),
  );
  router.get(
    '/_sim/tasks/:taskId',
    control(({ params }) => {
      const task = sim.task(intParam(params['taskId']));
      if (!task) throw new SimulatorError(`task ${params['taskId']} not found`);
      return task;
    }),
  );
  router.post(
    '/_sim/tasks/:taskId/read',
    control(({ params, body }) => ({
      marked: sim.markRead(intParam(params['taskId']), z.object({ userids: z.array(z.string()) }).parse(body).userids),
    })),
  );
  // What apps uploaded to /media/upload (metadata and SHA-256, not the bytes), for tests across processes.
  router.get(
    '/_sim/media',
    control(() => sim.world.media.list()),
  );
  router.get(
    '/_sim/inbox/:userid',
    control(({ params, query }) =>
      sim.inbox(params['userid'] ?? '', { ...(query['corpId'] ? { corpId: query['corpId'] } : {}), includePending: flag(query['includePending']) }),
    ),
  );

  const org = '/_sim/orgs/:corpId';
  const notify = (query: Record<string, string>) => ({ notify: flag(query['notify']) });
  router.post(
    `${org}/users`,
    control(({ params, body, query }) => sim.addUser(params['corpId'] ?? '', UserCreateSchema.parse(body), notify(query))),
  );
  router.post(
    `${org}/users/bulk`,
    control(({ params, body }) => sim.addUsers(params['corpId'] ?? '', UsersBulkSchema.parse(body).users)),
  );
  router.patch(
    `${org}/users/:userid`,
    control(({ params, body, query }) => sim.updateUser(params['corpId'] ?? '', params['userid'] ?? '', UserPatchSchema.parse(body), notify(query))),
  );
  router.delete(
    `${org}/users/:userid`,
    control(({ params, query }) => sim.removeUser(params['corpId'] ?? '', params['userid'] ?? '', notify(query))),
  );
  // The JSAPI ticket the org's dd.config signatures must use now (null before any was asked for).
  router.get(
    `${org}/jsapi-ticket`,
    control(({ params }) => ({ ticket: sim.world.oauth.currentJsapiTicket(params['corpId'] ?? '', sim.world.clock.now()) ?? null })),
  );
  router.post(
    `${org}/users/:userid/auth-code`,
    control(({ params }) => ({ code: sim.issueInAppCode(params['corpId'] ?? '', params['userid'] ?? '') })),
  );
  router.post(
    `${org}/departments`,
    control(({ params, body, query }) => sim.addDepartment(params['corpId'] ?? '', DeptCreateSchema.parse(body), notify(query))),
  );
  router.patch(
    `${org}/departments/:deptId`,
    control(({ params, body, query }) => sim.updateDepartment(params['corpId'] ?? '', intParam(params['deptId']), DeptPatchSchema.parse(body), notify(query))),
  );
  router.delete(
    `${org}/departments/:deptId`,
    control(({ params, query }) => sim.removeDepartment(params['corpId'] ?? '', intParam(params['deptId']), notify(query))),
  );
  router.post(
    `${org}/install-suite`,
    control(({ params, body }) => {
      const { agentId } = z.object({ agentId: z.number().int().positive().optional() }).parse(body);
      if (!sim.world.orgs.org(params['corpId'] ?? '')) throw new SimulatorError(`org ${params['corpId']} not found`);
      return sim.installSuite(params['corpId'] ?? '', agentId !== undefined ? { agentId } : {});
    }),
  );
  router.delete(
    `${org}/install-suite`,
    control(({ params }) => sim.uninstallSuite(params['corpId'] ?? '')),
  );

  router.get(
    '/_sim/callbacks',
    control(() => ({ ...sim.world.callbackUrls, eventModes: sim.world.eventModes, deliveries: sim.callbackDeliveries() })),
  );
  router.put(
    '/_sim/callbacks',
    control(({ body }) => {
      const { appMode, suiteMode, ...urls } = CallbackUrlsSchema.parse(body);
      const eventModes = sim.setEventModes({ ...(appMode ? { app: appMode } : {}), ...(suiteMode ? { suite: suiteMode } : {}) });
      return { ...sim.setCallbackUrls(urls), eventModes };
    }),
  );

  router.get(
    '/_sim/stream',
    control(({ query }) => sim.streamState(query['clientId'] || undefined)),
  );
  router.post(
    '/_sim/stream/events',
    control(({ body }) => {
      const e = StreamEventSchema.parse(body);
      return sim.pushStreamEvent(e.target, e.eventType, e.data, e.corpId);
    }),
  );
  router.post(
    '/_sim/stream/callbacks',
    control(({ body }) => {
      const c = StreamCallbackSchema.parse(body);
      return sim.pushStreamCallback(c.target, c.topic, c.data, c.corpId);
    }),
  );
  router.post(
    '/_sim/stream/disconnect',
    control(({ body }) => ({ connections: sim.disconnectStream(StreamFilterSchema.parse(body)) })),
  );
  router.post(
    '/_sim/stream/drop',
    control(({ body }) => sim.dropStream(StreamDropSchema.parse(body))),
  );
  router.post(
    '/_sim/stream/ping',
    control(({ body }) => ({ pinged: sim.pingStream(StreamFilterSchema.parse(body)) })),
  );
  router.post(
    '/_sim/callbacks/push',
    control(({ body }) => {
      const push = PushSchema.parse(body);
      return sim.pushCallback(push.target, push.event, push.corpId);
    }),
  );
  const suiteKeyOf = (params: Record<string, string | undefined>) => {
    const suiteKey = params['suiteKey'] ?? '';
    if (!sim.world.registry.suite(suiteKey)) throw new SimulatorError(`no suite ${suiteKey}`);
    return suiteKey;
  };
  router.get(
    '/_sim/suites/:suiteKey/templates',
    control(({ params }) => sim.world.templates.describe(suiteKeyOf(params))),
  );
  router.put(
    '/_sim/suites/:suiteKey/templates',
    control(({ params, body }) => {
      const change = SuiteTemplatesSchema.parse(body);
      return sim.world.templates.configure(suiteKeyOf(params), {
        ...(change.requiresTemplate !== undefined ? { requiresTemplate: change.requiresTemplate } : {}),
        ...(change.templates !== undefined ? { templates: change.templates } : {}),
      });
    }),
  );
  router.get(
    '/_sim/suite/ticket',
    control(() => ({ ticket: sim.currentSuiteTicket() })),
  );
  router.post(
    '/_sim/suite/ticket',
    control(({ body }) => sim.rotateSuiteTicket(z.object({ ticket: z.string().min(1).optional() }).parse(body).ticket)),
  );
  return router;
}
