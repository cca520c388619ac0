import { invalidParam, missingParam, SimError } from '../core/sim-error';
import type { World } from '../world';
import { sendNotification, type SendInput } from './notification.service';
import type { NotificationTask, Sender } from './task.model';

/** sendbytemplate's own recipient caps (dingtalk-api.md §4.6), larger than asyncsend_v2's. */
export const TEMPLATE_MAX_USERIDS = 5000;
export const TEMPLATE_MAX_DEPTS = 500;

export interface TemplateSendInput {
  agentId: number;
  templateId: string;
  userids?: string;
  deptIds?: string;
  data: Record<string, unknown>;
}

const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;

/** `${key}` placeholders in the template; every one must be filled by `data`. */
function fill(text: string, data: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (_match, key: string) => data[key] ?? '');
}

function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

function stringData(data: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string') throw invalidParam(`data.${key}`, 'template data values are strings');
    out[key] = value;
  }
  return out;
}

/**
 * A suite that must use templates (created after 2020-11-27) is refused asyncsend_v2. DingTalk's
 * reference names no code for it [UNVERIFIED]: such an app is never granted the plain send, so it
 * is answered as a missing permission (88 / sub_code 60011), with a message that says what to use.
 */
export function refusePlainSendIfTemplateOnly(world: World, sender: Sender): void {
  if (sender.suiteKey !== undefined && world.templates.requiresTemplate(sender.suiteKey)) {
    throw new SimError(
      'template_required',
      'ISV apps created after 2020-11-27 must send work notifications with sendbytemplate (asyncsend_v2 is not available to them)',
    );
  }
}

/**
 * sendbytemplate: the suite's template filled with `data`, sent as the markdown message recipients
 * see; otherwise the same task (progress, results, recall, flow control) as asyncsend_v2.
 */
export function sendByTemplate(world: World, sender: Sender, input: TemplateSendInput): NotificationTask {
  if (sender.suiteKey === undefined) throw new SimError('permission_denied', 'sendbytemplate is for third-party (ISV) apps; internal apps use asyncsend_v2');
  const template = world.templates.template(sender.suiteKey, input.templateId);
  if (!template) throw invalidParam('template_id', `template ${input.templateId} is not configured or not enabled for this app`);
  const data = stringData(input.data);
  const missing = [...new Set([...placeholders(template.title), ...placeholders(template.content)])].filter((key) => data[key] === undefined);
  if (missing.length > 0) throw invalidParam('data', `missing template keys: ${missing.join(', ')}`);
  if (input.userids === undefined && input.deptIds === undefined) throw missingParam('userid_list');
  const countOf = (list: string | undefined) => (list ?? '').split(',').filter((s) => s.trim() !== '').length;
  if (countOf(input.userids) > TEMPLATE_MAX_USERIDS) throw invalidParam('userid_list', `at most ${TEMPLATE_MAX_USERIDS} userids`);
  if (countOf(input.deptIds) > TEMPLATE_MAX_DEPTS) throw invalidParam('dept_id_list', `at most ${TEMPLATE_MAX_DEPTS} departments`);

  const msg = { msgtype: 'markdown', markdown: { title: fill(template.title, data), text: fill(template.content, data) } };
  const send: SendInput = {
    agentId: input.agentId,
    ...(input.userids !== undefined ? { userids: input.userids } : {}),
    ...(input.deptIds !== undefined ? { deptIds: input.deptIds } : {}),
    msg,
    msgWireBytes: Buffer.byteLength(JSON.stringify(msg), 'utf8'),
    template: { templateId: template.templateId, data },
    recipientCaps: { userids: TEMPLATE_MAX_USERIDS, depts: TEMPLATE_MAX_DEPTS },
  };
  return sendNotification(world, sender, send);
}
