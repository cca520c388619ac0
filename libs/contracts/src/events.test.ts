import { EVENT_TYPES, EventEnvelopeSchema, EventsPageSchema } from './events';

const base = { id: 'evt_1', tenantId: 'ten_1', seq: 1, occurredAt: new Date(0).toISOString() };

describe('event catalogue', () => {
  it('when an envelope is well formed, then it parses and keeps its discriminant', () => {
    const parsed = EventEnvelopeSchema.parse({
      ...base,
      type: 'user.upserted',
      data: { users: [{ userid: 'user001', name: 'Zhang San', deptIds: [1] }] },
    });
    expect(parsed.type).toBe('user.upserted');
    if (parsed.type === 'user.upserted') expect(parsed.data.users[0]?.active).toBe(true);
  });

  it('when data does not match its type, then the field path is reported', () => {
    const result = EventEnvelopeSchema.safeParse({ ...base, type: 'user.removed', data: { userids: [] } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['data', 'userids']);
  });

  it('when the type is unknown or seq is not positive, then it is refused', () => {
    expect(EventEnvelopeSchema.safeParse({ ...base, type: 'nope', data: {} }).success).toBe(false);
    expect(EventEnvelopeSchema.safeParse({ ...base, seq: 0, type: 'message.recalled', data: { messageId: 'm' } }).success).toBe(false);
  });

  it('lists every type once and pages parse', () => {
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
    expect(EventsPageSchema.parse({ events: [], next: 0 })).toEqual({ events: [], next: 0 });
  });
});
