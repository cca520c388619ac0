// A message's recipients in SQL, on both databases. message.dispatched and message.completed carry
// every recipient, and the database writes that list into the event itself (Outbox.appendAssembled +
// messagesRepository.recipientsJson): whatever the userids and reasons hold, the stored event must
// read back as recipients() answers. The dispatch plan writes each recipient once, in its state.
import { EventDataSchemas } from '@dtg/contracts';
import { messagesRepository as repo } from '../src/features/messages/messages.repository';
import { createTenant, startCloud, type CloudHarness } from './support/cloud-harness';

const TRICKY = ['plain', 'quote"d', 'back\\slash', 'new\nline', 'tab\there', 'ctl\u0001x', '中文用户', 'emoji😀', "o'neil", 'slash/ok'];

describe('message recipients in SQL', () => {
  let h: CloudHarness;
  let tenantId: string;
  beforeAll(async () => {
    h = await startCloud({ dispatcher: false });
    tenantId = (await createTenant(h, { webhookUrl: 'http://127.0.0.1:9/hook' })).tenant.id;
  });
  afterAll(() => h.close());

  async function message(id: string, recipients: { userid: string; status: 'sent' | 'failed' | 'rejected_by_quota'; reason: string | null }[]) {
    const { sqldb } = h.services;
    await sqldb.write(async (tx) => {
      await repo.create(tx, {
        id,
        tenantId,
        idempotencyKey: null,
        requestHash: null,
        msgtype: 'text',
        msg: { msgtype: 'text', text: { content: 'x' } },
        recipientsSpec: { userIds: recipients.map((r) => r.userid) },
        createdBy: null,
        createdAt: new Date(),
        channel: 'work_notification',
      });
      for (const r of recipients) await repo.addRecipients(tx, id, [r.userid], { status: r.status, ...(r.reason === null ? {} : { reason: r.reason }) });
    });
  }

  async function stored(eventId: string): Promise<{ seq: number; data: string; deliveries: number }> {
    return await h.services.sqldb.read(async (sql) => {
      const row = await sql.get<{ seq: number; data: string }>('SELECT seq, data FROM "Event" WHERE id = ?', eventId);
      const d = await sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM "Delivery" WHERE "eventId" = ?', eventId);
      if (!row) throw new Error(`no event ${eventId}`);
      return { ...row, deliveries: Number(d?.n) };
    });
  }

  it('when the list holds quotes, escapes, control characters and non-ASCII, then the stored data parses to recipients() exactly', async () => {
    const reasons = [null, '', 'daily_cap', 'say "no"', '原因\n2'];
    await message(
      'msg_json_tricky',
      TRICKY.map((userid, i) => ({
        userid,
        status: i % 3 === 0 ? 'failed' : i % 3 === 1 ? 'sent' : 'rejected_by_quota',
        reason: reasons[i % reasons.length] ?? null,
      })),
    );
    const appended = await h.services.sqldb.write(async (tx) =>
      h.services.outbox.appendAssembled(
        tx,
        tenantId,
        'message.completed',
        { messageId: 'msg_json_tricky', status: 'completed' },
        repo.recipientsJson(tx, 'msg_json_tricky'),
        {
          id: 'evt_json_tricky',
        },
      ),
    );
    expect(appended).toBe(true);

    const expected = await h.services.sqldb.read((sql) => repo.recipients(sql, 'msg_json_tricky'));
    expect(expected).toHaveLength(TRICKY.length);
    const event = await stored('evt_json_tricky');
    const data = JSON.parse(event.data) as unknown;
    expect(data).toEqual({ messageId: 'msg_json_tricky', status: 'completed', recipients: expected });
    expect(EventDataSchemas['message.completed'].parse(data)).toEqual(data);
    // An empty reason is no reason, as recipients() reads it.
    expect(expected.filter((r) => 'reason' in r).map((r) => r.reason)).not.toContain('');
    expect(event.deliveries).toBe(1);
  });

  it('when a message has no recipients, then the list is empty; appending the same id again is a no-op that takes no seq', async () => {
    await message('msg_json_empty', []);
    const append = () =>
      h.services.sqldb.write((tx) =>
        h.services.outbox.appendAssembled(
          tx,
          tenantId,
          'message.dispatched',
          { messageId: 'msg_json_empty', taskIds: [7, 8] },
          repo.recipientsJson(tx, 'msg_json_empty'),
          {
            id: 'evt_json_empty',
          },
        ),
      );
    expect(await append()).toBe(true);
    const first = await stored('evt_json_empty');
    expect(JSON.parse(first.data)).toEqual({ messageId: 'msg_json_empty', taskIds: [7, 8], recipients: [] });

    expect(await append()).toBe(false);
    const next = await h.services.sqldb.write((tx) => h.services.outbox.append(tx, tenantId, 'test.ping', { n: 1 }));
    expect(next?.seq).toBe(first.seq + 1);
  });

  it('when the fields beside the list are invalid, then nothing is written', async () => {
    await expect(
      h.services.sqldb.write((tx) =>
        h.services.outbox.appendAssembled(tx, tenantId, 'message.dispatched', { messageId: '', taskIds: [] }, repo.recipientsJson(tx, 'msg_json_empty'), {
          id: 'evt_json_bad',
        }),
      ),
    ).rejects.toThrow(/messageId/);
    const row = await h.services.sqldb.read((sql) => sql.get('SELECT id FROM "Event" WHERE id = ?', 'evt_json_bad'));
    expect(row).toBeUndefined();
  });

  it('when rows an earlier version wrote as pending exist, then addRecipients gives them the planned state and keeps the rest', async () => {
    await message('msg_json_legacy', [
      { userid: 'u1', status: 'sent', reason: null },
      { userid: 'u2', status: 'sent', reason: null },
    ]);
    await h.services.sqldb.write(async (tx) => {
      await tx.run(`UPDATE "MessageRecipient" SET status = 'pending' WHERE "messageId" = ?`, 'msg_json_legacy');
      await repo.addRecipients(tx, 'msg_json_legacy', ['u2', 'u3'], { status: 'rejected_by_quota', reason: 'daily_cap' });
    });
    expect(await h.services.sqldb.read((sql) => repo.recipients(sql, 'msg_json_legacy'))).toEqual([
      { userid: 'u1', status: 'pending' },
      { userid: 'u2', status: 'rejected_by_quota', reason: 'daily_cap' },
      { userid: 'u3', status: 'rejected_by_quota', reason: 'daily_cap' },
    ]);
    expect(await h.services.sqldb.read((sql) => repo.anyRecipientNotIn(sql, 'msg_json_legacy', ['pending', 'rejected_by_quota']))).toBe(false);
    expect(await h.services.sqldb.read((sql) => repo.anyRecipientNotIn(sql, 'msg_json_legacy', ['pending']))).toBe(true);
  });
});
