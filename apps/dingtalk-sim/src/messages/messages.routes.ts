import { Router } from 'express';
import { clientKeyOf, type OrgPrincipal } from '../auth/principal';
import { endpoint, type EndpointInput } from '../core/endpoint';
import { SimError } from '../core/sim-error';
import type { World } from '../world';
import { sendNotification } from './notification.service';
import { refusePlainSendIfTemplateOnly, sendByTemplate } from './template-send.service';
import { recallTask, sendProgress, sendResult, updateStatusBar } from './task-query.service';
import type { Sender } from './task.model';

const BASE = '/topapi/message/corpconversation';

function senderOf(principal: OrgPrincipal): Sender {
  const suite = principal.kind === 'corp' ? { suiteKey: principal.suiteKey } : {};
  return { key: clientKeyOf(principal), corpId: principal.corpId, agentId: principal.agentId, isv: principal.kind === 'corp', ...suite };
}

function agentId(input: EndpointInput): number {
  if (!input.params.has('agent_id')) throw new SimError('missing_agent', 'missing agent_id');
  return input.params.int('agent_id');
}

/** UTF-8 size of `msg` as it arrived: the string itself, or the compact JSON of the object. */
function msgWireBytes(raw: unknown): number {
  return Buffer.byteLength(typeof raw === 'string' ? raw : JSON.stringify(raw ?? null), 'utf8');
}

/** Work notifications (dingtalk-api.md §4): async send, progress, result, recall, status bar. */
export function messageRoutes(world: World): Router {
  const router = Router();
  const route = (name: string, handle: (input: EndpointInput, sender: Sender) => object) =>
    router.all(
      `${BASE}/${name}`,
      endpoint(world, 'oapi', `${BASE}/${name}`, {
        auth: ['app', 'corp'],
        handle: (input) => {
          world.tasks.settle(world.clock.now());
          return handle(input, senderOf(input.principal as OrgPrincipal));
        },
      }),
    );

  route('asyncsend_v2', (input, sender) => {
    const { params } = input;
    const id = agentId(input);
    refusePlainSendIfTemplateOnly(world, sender);
    const toAllUser = params.optBool('to_all_user');
    const userids = params.optStr('userid_list');
    const deptIds = params.optStr('dept_id_list');
    const msg = params.json('msg');
    const task = sendNotification(world, sender, {
      agentId: id,
      ...(userids !== undefined ? { userids } : {}),
      ...(deptIds !== undefined ? { deptIds } : {}),
      ...(toAllUser !== undefined ? { toAllUser } : {}),
      msg,
      msgWireBytes: msgWireBytes(params.raw('msg')),
    });
    return { task_id: task.taskId };
  });
  route('sendbytemplate', (input, sender) => {
    const { params } = input;
    const userids = params.optStr('userid_list');
    const deptIds = params.optStr('dept_id_list');
    const task = sendByTemplate(world, sender, {
      agentId: agentId(input),
      templateId: params.str('template_id'),
      ...(userids !== undefined ? { userids } : {}),
      ...(deptIds !== undefined ? { deptIds } : {}),
      data: params.json('data'),
    });
    return { task_id: task.taskId };
  });
  route('getsendprogress', (input, sender) => ({ progress: sendProgress(world, sender, agentId(input), input.params.int('task_id')) }));
  route('getsendresult', (input, sender) => ({ send_result: sendResult(world, sender, agentId(input), input.params.int('task_id')) }));
  route('recall', (input, sender) => {
    recallTask(world, sender, agentId(input), input.params.int('msg_task_id'));
    return {};
  });
  route('status_bar/update', (input, sender) => {
    const { params } = input;
    const statusBg = params.optStr('status_bg');
    updateStatusBar(world, sender, agentId(input), params.int('task_id'), params.str('status_value'), statusBg);
    return {};
  });

  return router;
}
