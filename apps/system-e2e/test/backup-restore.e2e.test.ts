// Backup and restore across real processes: a backup taken while the cloud pushes a steady stream
// of events to a real store, the cloud stopped, the backup restored in place of its database, and
// the cloud started on it. The promise (README "Data lifecycle"): nothing the backup holds is lost
// or applied twice; events written after the backup are not in it, and the store — whose cursor is
// ahead of the restored cloud — is told to resync (410 events_pruned → full directory sync) and then
// takes the restored cloud's new events, each once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { appliedOnce, emit, startDrillStack, waitFor, type DrillStack } from '@dtg/testkit';
import { adminCli, cliEnv } from './support/admin-cli';

const SEQ_GAP = 100_000;

describe('backup and restore of the cloud (real processes)', () => {
  let stack: DrillStack | undefined;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'e2e-restore-'));
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when a backup taken during delivery is restored into the stopped cloud, then it resumes: every event applied once, the store resyncs past the lost seqs and takes new events', async () => {
    stack = await startDrillStack();
    const s = stack;
    // Pings only: the resync after the restore applies directory events as well.
    const applied = async () => Number((await s.db.query("SELECT count(*)::int AS n FROM processed_events WHERE type = 'test.ping'")).rows[0].n);
    const backupFile = path.join(dir, 'cloud-backup.db');

    // A steady stream of events, pushed to the store, while the backup is taken.
    let producing = true;
    let emitted = 0;
    const producer = (async () => {
      while (producing) {
        await emit(s, 50);
        emitted += 50;
        // Paced by the store: pushes stay under way without a backlog of thousands.
        await waitFor(async () => (await applied()) >= emitted - 100, 'the store keeping up', 30_000);
      }
    })();
    await waitFor(async () => (await applied()) >= 300, 'delivery under way');
    const backup = await adminCli<{ file: string }>(cliEnv(s), ['backup', backupFile]);
    expect([backup.code, backup.json.file]).toEqual([0, backupFile]);
    // More events after the backup point: the store gets them, the backup never has them.
    const afterBackup = emitted + 200;
    await waitFor(() => emitted >= afterBackup, 'events after the backup');
    producing = false;
    await producer;
    await waitFor(async () => (await applied()) === emitted, `all ${emitted} events applied`, 60_000);

    const copy = new Database(backupFile, { readonly: true });
    const inBackup = (copy.prepare('SELECT lastSeq FROM Tenant WHERE id = ?').get(s.tenant.id) as { lastSeq: number }).lastSeq;
    copy.close();
    expect(inBackup).toBeGreaterThan(0);
    expect(inBackup).toBeLessThan(emitted);

    // A running cloud's database is never replaced.
    const refused = await adminCli<{ code: string; error: string }>(cliEnv(s), ['restore', backupFile, '--replace']);
    expect([refused.code, refused.json.code]).toEqual([2, 'conflict']);
    expect(refused.json.error).toContain('in use');

    await s.cloud.stop();
    const restored = await adminCli<{ tenants: { id: string; lastSeqInBackup: number; nextSeq: number }[] }>(cliEnv(s), [
      'restore',
      backupFile,
      '--replace',
      '--seq-gap',
      String(SEQ_GAP),
    ]);
    expect(restored.code).toBe(0);
    expect(restored.json.tenants).toContainEqual({ id: s.tenant.id, lastSeqInBackup: inBackup, nextSeq: inBackup + SEQ_GAP + 1 });
    await s.cloud.start();

    // The store is ahead of the restored cloud: told so, it asks for a full directory sync and
    // moves its cursor past the skipped seqs.
    await waitFor(
      async () => Number((await s.db.query('SELECT seq FROM delivery_cursor')).rows[0]?.seq) === inBackup + SEQ_GAP,
      'the store past the gap',
      30_000,
    );
    expect(s.transcript()).toContain('requesting a full directory sync');

    // New events of the restored cloud arrive, each once, and nothing was applied twice.
    await emit(s, 200);
    await waitFor(async () => (await applied()) >= emitted + 200, 'the restored cloud’s new events applied', 30_000);
    const { rows } = await s.db.query<{ seq: number }>("SELECT seq FROM processed_events WHERE type = 'test.ping' ORDER BY seq");
    const seqs = rows.map((r) => r.seq);
    // Before the restore: 1..emitted, each once (those the backup holds were pushed again: duplicates, not applied).
    expect(seqs.slice(0, emitted)).toEqual(Array.from({ length: emitted }, (_, i) => i + 1));
    // After it: 200 new ones, numbered past the gap, each once.
    const fresh = seqs.slice(emitted);
    expect([fresh.length, new Set(fresh).size, fresh.every((seq) => seq > inBackup + SEQ_GAP)]).toEqual([200, 200, true]);
    // No event id twice anywhere, and the store's cursor reaches the restored cloud's last seq.
    const once = await appliedOnce(s);
    expect(once.rows).toBe(once.distinct);
    // The resync's directory events keep coming for a while: the cursor meets the cloud's last seq once they are in.
    const cloudLastSeq = () => {
      const cloudDb = new Database(s.cloudDbFile, { readonly: true });
      try {
        return (cloudDb.prepare('SELECT lastSeq FROM Tenant WHERE id = ?').get(s.tenant.id) as { lastSeq: number }).lastSeq;
      } finally {
        cloudDb.close();
      }
    };
    await waitFor(async () => Number((await s.db.query('SELECT seq FROM delivery_cursor')).rows[0]?.seq) === cloudLastSeq(), 'the cursor at the end', 60_000);
  }, 240_000);
});
