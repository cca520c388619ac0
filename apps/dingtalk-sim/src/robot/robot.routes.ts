import { Router } from 'express';
import { clientKeyOf, type OrgPrincipal } from '../auth/principal';
import { endpoint, type EndpointInput } from '../core/endpoint';
import { missingParam } from '../core/sim-error';
import type { Sender } from '../messages/task.model';
import type { World } from '../world';
import { robotBatchRecall, robotBatchSend, robotReadStatus } from './robot.service';

function senderOf(principal: OrgPrincipal): Sender {
  return { key: clientKeyOf(principal), corpId: principal.corpId, agentId: principal.agentId, isv: principal.kind === 'corp' };
}

function queryParam(input: EndpointInput, name: string): string {
  const value = input.query[name];
  if (value === undefined || value === '') throw missingParam(name);
  return value;
}

/** The app robot's 1:1 messages on the new host (dingtalk-api.md §4.8): send, read status, recall. */
export function robotRoutes(world: World): Router {
  const router = Router();
  const api = (method: 'get' | 'post', path: string, handle: (input: EndpointInput, sender: Sender) => object) =>
    router[method](
      path,
      endpoint(world, 'api', path, {
        auth: ['app', 'corp'],
        handle: (input) => {
          world.tasks.settle(world.clock.now());
          return handle(input, senderOf(input.principal as OrgPrincipal));
        },
      }),
    );

  api('post', '/v1.0/robot/oToMessages/batchSend', ({ params }, sender) =>
    robotBatchSend(world, sender, {
      robotCode: params.str('robotCode'),
      userIds: params.raw('userIds'),
      msgKey: params.str('msgKey'),
      msgParam: params.str('msgParam'),
    }),
  );
  api('get', '/v1.0/robot/oToMessages/readStatus', (input, sender) =>
    robotReadStatus(world, sender, queryParam(input, 'robotCode'), queryParam(input, 'processQueryKey')),
  );
  // DingTalk's own spelling differs from batchSend's (`otoMessages`).
  api('post', '/v1.0/robot/otoMessages/batchRecall', ({ params }, sender) =>
    robotBatchRecall(world, sender, params.str('robotCode'), params.raw('processQueryKeys')),
  );
  return router;
}
