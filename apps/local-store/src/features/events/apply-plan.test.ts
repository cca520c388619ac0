import type { EventEnvelope } from '@dtg/contracts';
import { planApply } from './apply-plan';

const envelope = (seq: number, type: EventEnvelope['type'], data: unknown) =>
  ({ id: `e${seq}`, type, tenantId: 't', seq, occurredAt: new Date(0).toISOString(), data }) as EventEnvelope;
const profile = (userid: string, name: string) => ({ userid, name, deptIds: [], active: true });

describe('planApply', () => {
  it('keeps only the newest write per resource, whatever the input order', () => {
    const plan = planApply([
      envelope(5, 'user.upserted', { users: [profile('a', 'a5'), profile('b', 'b5')] }),
      envelope(3, 'user.upserted', { users: [profile('a', 'a3')] }),
      envelope(7, 'user.removed', { userids: ['b'] }),
      envelope(6, 'user.removed', { userids: ['b'] }),
      envelope(8, 'department.upserted', { departments: [{ deptId: 1, name: 'x', parentId: null }] }),
      envelope(9, 'department.removed', { deptIds: [1] }),
    ]);
    expect(plan.userProfiles).toEqual([
      { value: profile('a', 'a5'), seq: 5 },
      { value: profile('b', 'b5'), seq: 5 },
    ]);
    expect(plan.userRemovals).toEqual([{ value: 'b', seq: 7 }]);
    expect(plan.departments).toEqual([{ value: { deptId: 1, name: 'x', parentId: null }, seq: 8 }]);
    expect(plan.departmentRemovals).toEqual([{ value: 1, seq: 9 }]);
  });

  it('maps message events to statuses and keeps every recipient report for the history', () => {
    const plan = planApply([
      envelope(2, 'message.dispatched', { messageId: 'm', taskIds: [1], recipients: [{ userid: 'a', status: 'sent' }] }),
      envelope(4, 'message.completed', { messageId: 'm', status: 'failed', recipients: [{ userid: 'a', status: 'failed', reason: 'x' }] }),
      envelope(3, 'message.receipts.updated', { messageId: 'm', recipients: [{ userid: 'a', status: 'unread' }] }),
      envelope(5, 'message.recalled', { messageId: 'n' }),
    ]);
    expect(plan.messageStatuses).toEqual([
      { value: { messageId: 'm', status: 'failed' }, seq: 4 },
      { value: { messageId: 'n', status: 'recalled' }, seq: 5 },
    ]);
    expect(plan.recipientUpdates.map(({ value, seq }) => `${seq}:${value.status}`)).toEqual(['2:sent', '4:failed', '3:unread']);
  });

  it('turns a login into a ticket and a profile write, a scrubbed one (login: null) into the profile write only, and keeps the newest tenant authorization', () => {
    const login = {
      ticketHash: 'a'.repeat(64),
      ttlMs: 60_000,
      cloudTokenId: 'j'.repeat(22),
      sealedCloudToken: 'v1.sealed-token',
      cloudTokenExpiresAt: '2026-01-01T00:00:00Z',
    };
    const plan = planApply([
      envelope(10, 'user.authenticated', { user: profile('u', 'U'), login }),
      envelope(9, 'user.authenticated', { user: profile('old', 'Old'), login: null }),
      envelope(12, 'tenant.authorization.changed', { corpId: 'c', status: 'active' }),
      envelope(11, 'tenant.authorization.changed', { corpId: 'c', status: 'suspended' }),
    ]);
    expect(plan.loginTickets).toEqual([{ user: profile('u', 'U'), login }]);
    expect(plan.userProfiles).toEqual([
      { value: profile('u', 'U'), seq: 10 },
      { value: profile('old', 'Old'), seq: 9 },
    ]);
    expect(plan.tenantAuthorization).toEqual({ value: { corpId: 'c', status: 'active' }, seq: 12 });
  });
});
