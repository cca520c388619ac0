// Template sends (DingTalk's sendbytemplate, ISV apps only): which form a tenant may send, decided
// inside the accept transaction from the tenant's settings, and what is stored for it. A plain msg
// is not mapped into a template: the cloud does not know a template's keys, and filling a
// customer's template with text written for another form would send what nobody designed.
import { storedMessageOf, TEMPLATE_MSGTYPE, type SendMessageBody, type StoredTemplateMessage, type WorkNotificationMessage } from '@dtg/contracts';
import { AppError } from '@dtg/service-kit';
import type { Sql, SqlBoolean } from '../../db/prisma';

/** What a message row holds as `msg`: DingTalk's msg, or the template it is sent with. */
export type StoredMessage = WorkNotificationMessage | StoredTemplateMessage;

export interface TemplatePolicy {
  isv: boolean;
  required: boolean;
  defaultTemplateId: string | null;
}

export async function readTemplatePolicy(sql: Sql, tenantId: string): Promise<TemplatePolicy> {
  const row = await sql.get<{ mode: string; templateRequired: SqlBoolean; defaultTemplateId: string | null }>(
    'SELECT mode, "templateRequired", "defaultTemplateId" FROM "Tenant" WHERE id = ?',
    tenantId,
  );
  if (!row) throw new Error(`tenant ${tenantId} not found`);
  return { isv: row.mode === 'isv', required: Boolean(row.templateRequired), defaultTemplateId: row.defaultTemplateId };
}

/** The msgtype and msg to store for this body, or the refusal (409 template_required) naming what to send instead. */
export function storedMessageFor(policy: TemplatePolicy, body: SendMessageBody): { msgtype: string; msg: StoredMessage } {
  if (body.template === undefined) {
    if (policy.required) {
      throw new AppError(
        'template_required',
        "this tenant's DingTalk app (an ISV suite created after 2020-11-27) sends work notifications only by template: send { template: { id, data } } instead of msg",
      );
    }
    return storedMessageOf(body) as { msgtype: string; msg: WorkNotificationMessage };
  }
  if (!policy.isv) throw new AppError('template_required', 'template sends are for ISV (suite) tenants; an internal app sends with msg');
  const id = body.template.id ?? policy.defaultTemplateId;
  if (id === null)
    throw new AppError('template_required', 'no template id: give template.id, or set the tenant’s default template (messageTemplates.defaultTemplateId)');
  return { msgtype: TEMPLATE_MSGTYPE, msg: { msgtype: TEMPLATE_MSGTYPE, template: { id, data: body.template.data } } };
}

/** The template a stored message is sent with, or undefined for an ordinary msg. */
export function templateOf(msg: StoredMessage): StoredTemplateMessage['template'] | undefined {
  return msg.msgtype === TEMPLATE_MSGTYPE ? msg.template : undefined;
}
