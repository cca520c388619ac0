import { EventEnvelopeSchema, type EventEnvelope } from '@dtg/contracts';
import { z } from 'zod';

export type Classified =
  | { kind: 'valid'; event: EventEnvelope }
  | {
      kind: 'invalid';
      reason: string;
      eventId?: string;
      seq?: number;
      type?: string;
      /**
       * True when the event is ours (our tenant, an id and a seq): parking it settles its seq so
       * the cursor can move past it. Another tenant's seq means nothing in our sequence.
       */
      settles: boolean;
    };

const MAX_REPORTED_ISSUES = 5;
/** `processed_events.seq` is a Postgres integer. */
const MAX_SEQ = 2_147_483_647;

/** Whatever identity can be read from a body that failed the real schema, for the dead-event row. */
const IdentitySchema = z.object({
  id: z.string().min(1).max(128).optional().catch(undefined),
  seq: z.number().int().positive().max(MAX_SEQ).optional().catch(undefined),
  type: z.string().max(128).optional().catch(undefined),
  tenantId: z.string().optional().catch(undefined),
});

export function classifyEvent(raw: unknown, tenantId: string): Classified {
  const parsed = EventEnvelopeSchema.safeParse(raw);
  if (parsed.success) {
    // The schema's inferred type only names its first member; the discriminated union is the real shape.
    const event = parsed.data as EventEnvelope;
    const identity = { eventId: event.id, type: event.type };
    if (event.tenantId !== tenantId) {
      return { kind: 'invalid', reason: `event is for tenant ${event.tenantId}, this store serves ${tenantId}`, ...identity, settles: false };
    }
    if (event.seq > MAX_SEQ) return { kind: 'invalid', reason: `seq ${event.seq} is out of range`, ...identity, settles: false };
    return { kind: 'valid', event };
  }
  const identity = IdentitySchema.safeParse(raw);
  const { id, seq, type, tenantId: eventTenant } = identity.success ? identity.data : {};
  const issues = parsed.error.issues
    .slice(0, MAX_REPORTED_ISSUES)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  const settles = id !== undefined && seq !== undefined && eventTenant === tenantId;
  return { kind: 'invalid', reason: `invalid envelope: ${issues}`, eventId: id, seq, type, settles };
}

export function unparseable(): Classified {
  return { kind: 'invalid', reason: 'body is not valid JSON', settles: false };
}
