// A sent message's receipts as the local store holds them, for the console tests that watch them
// arrive on the page.
import { simControl, waitFor, type Stack } from '@dtg/testkit';

/** How many of the message's recipients the store holds in each status (read, unread, …). */
export async function recipientCounts(stack: Stack, messageId: string): Promise<Record<string, number>> {
  const { rows } = await stack.pg.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM message_recipients WHERE message_id = $1 GROUP BY status',
    [messageId],
  );
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

/**
 * DingTalk tasks finish after 3 s of simulator time: moves the simulator's clock until the store
 * holds both read and unread receipts for the message, and returns its counts then.
 */
export async function awaitReceipts(stack: Stack, messageId: string): Promise<Record<string, number>> {
  await waitFor(
    async () => {
      await simControl(stack.sim.url, 'POST', '/clock', { advanceMs: 5000 });
      const counts = await recipientCounts(stack, messageId);
      return (counts.read ?? 0) > 0 && (counts.unread ?? 0) > 0;
    },
    'read receipts in the local store',
    30_000,
  );
  return recipientCounts(stack, messageId);
}
