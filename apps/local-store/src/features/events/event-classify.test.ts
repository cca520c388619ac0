import { classifyEvent } from './event-classify';

const valid = { id: 'evt_1', type: 'user.removed', tenantId: 'mine', seq: 7, occurredAt: '2026-01-01T00:00:00Z', data: { userids: ['u'] } };

describe('classifyEvent', () => {
  it('accepts a well-formed envelope of this tenant', () => {
    expect(classifyEvent(valid, 'mine')).toEqual({ kind: 'valid', event: valid });
  });

  it('parks another tenant’s event without settling its seq', () => {
    expect(classifyEvent({ ...valid, tenantId: 'theirs' }, 'mine')).toMatchObject({
      kind: 'invalid',
      settles: false,
      reason: expect.stringMatching(/tenant theirs/),
    });
  });

  it('parks a malformed envelope of this tenant and settles its seq, naming the bad field', () => {
    expect(classifyEvent({ ...valid, data: { userids: [] } }, 'mine')).toEqual({
      kind: 'invalid',
      reason: expect.stringMatching(/^invalid envelope: data\.userids: /),
      eventId: 'evt_1',
      seq: 7,
      type: 'user.removed',
      settles: true,
    });
  });

  it('cannot settle what has no usable id or seq', () => {
    expect(classifyEvent({ ...valid, seq: 'seven' }, 'mine')).toMatchObject({ kind: 'invalid', settles: false, eventId: 'evt_1' });
    expect(classifyEvent(['not', 'an', 'object'], 'mine')).toMatchObject({ kind: 'invalid', settles: false });
    expect(classifyEvent({ ...valid, seq: 2 ** 31 }, 'mine')).toMatchObject({ kind: 'invalid', settles: false, reason: expect.stringMatching(/out of range/) });
  });
});
