import { Router } from 'express';
import { z } from 'zod';
import { DeptCreateSchema, DeptPatchSchema, UserCreateSchema, UserPatchSchema } from '../org/org-admin.schema';
import { SimulatorError, type Simulator } from '../simulator';
import { control, flag } from './control-handler';

const CallbackUrlsSchema = z.object({ appUrl: z.url().nullable().optional(), suiteUrl: z.url().nullable().optional() });
const PushSchema = z.object({
  target: z.enum(['app', 'suite']),
  corpId: z.string().optional(),
  event: z.looseObject({ EventType: z.string().min(1) }),
});
const intParam = (value: string | undefined) => z.coerce.number().int().positive().parse(value);

/** `/_sim/...` for the simulated world: tasks, inboxes, org changes, callbacks, suite lifecycle. */
export function worldControlRoutes(sim: Simulator): Router {
  const router = Router();
  router.get('/_sim/tasks', control(() => sim.tasks()));
  router.get('/_sim/tasks/:taskId', control(({ params }) => {
    const task = sim.task(intParam(params['taskId']));
    if (!task) throw new SimulatorError(`task ${params['taskId']} not found`);
    return task;
  }));
  router.post('/_sim/tasks/:taskId/read', control(({ params, body }) => ({
    marked: sim.markRead(intParam(params['taskId']), z.object({ userids: z.array(z.string()) }).parse(body).userids),
  })));
  router.get('/_sim/inbox/:userid', control(({ params, query }) =>
    sim.inbox(params['userid'] ?? '', { ...(query['corpId'] ? { corpId: query['corpId'] } : {}), includePending: flag(query['includePending']) }),
  ));

  const org = '/_sim/orgs/:corpId';
  const notify = (query: Record<string, string>) => ({ notify: flag(query['notify']) });
  router.post(`${org}/users`, control(({ params, body, query }) => sim.addUser(params['corpId'] ?? '', UserCreateSchema.parse(body), notify(query))));
  router.patch(`${org}/users/:userid`, control(({ params, body, query }) =>
    sim.updateUser(params['corpId'] ?? '', params['userid'] ?? '', UserPatchSchema.parse(body), notify(query)),
  ));
  router.delete(`${org}/users/:userid`, control(({ params, query }) => sim.removeUser(params['corpId'] ?? '', params['userid'] ?? '', notify(query))));
  router.post(`${org}/users/:userid/auth-code`, control(({ params }) => ({ code: sim.issueInAppCode(params['corpId'] ?? '', params['userid'] ?? '') })));
  router.post(`${org}/departments`, control(({ params, body, query }) => sim.addDepartment(params['corpId'] ?? '', DeptCreateSchema.parse(body), notify(query))));
  router.patch(`${org}/departments/:deptId`, control(({ params, body, query }) =>
    sim.updateDepartment(params['corpId'] ?? '', intParam(params['deptId']), DeptPatchSchema.parse(body), notify(query)),
  ));
  router.delete(`${org}/departments/:deptId`, control(({ params, query }) => sim.removeDepartment(params['corpId'] ?? '', intParam(params['deptId']), notify(query))));
  router.post(`${org}/install-suite`, control(({ params, body }) => {
    const { agentId } = z.object({ agentId: z.number().int().positive().optional() }).parse(body);
    if (!sim.world.orgs.org(params['corpId'] ?? '')) throw new SimulatorError(`org ${params['corpId']} not found`);
    return sim.installSuite(params['corpId'] ?? '', agentId !== undefined ? { agentId } : {});
  }));
  router.delete(`${org}/install-suite`, control(({ params }) => sim.uninstallSuite(params['corpId'] ?? '')));

  router.get('/_sim/callbacks', control(() => ({ ...sim.world.callbackUrls, deliveries: sim.callbackDeliveries() })));
  router.put('/_sim/callbacks', control(({ body }) => sim.setCallbackUrls(CallbackUrlsSchema.parse(body))));
  router.post('/_sim/callbacks/push', control(({ body }) => {
    const push = PushSchema.parse(body);
    return sim.pushCallback(push.target, push.event, push.corpId);
  }));
  router.get('/_sim/suite/ticket', control(() => ({ ticket: sim.currentSuiteTicket() })));
  router.post('/_sim/suite/ticket', control(({ body }) => sim.rotateSuiteTicket(z.object({ ticket: z.string().min(1).optional() }).parse(body).ticket)));
  return router;
}
