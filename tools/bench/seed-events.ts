// A cloud SQLite file filled the way a long-running tenant's is: `count` events as a directory sync
// writes them (a user profile each), each pushed and delivered (its delivery and one attempt), and
// the tenant's lastSeq past them. For benchmarks that need a big cloud database quickly
// (bench:retention, bench:copy-to-postgres); `occurredAt(seq)` places each event in time.
import type Database from 'better-sqlite3';

const BATCH = 20_000;

export function seedDeliveredEvents(db: Database.Database, tenantId: string, count: number, occurredAt: (seq: number) => number): void {
  const event = db.prepare("INSERT INTO Event (id, tenantId, seq, type, occurredAt, data, requestId) VALUES (?, ?, ?, 'user.upserted', ?, ?, NULL)");
  const delivery = db.prepare(
    "INSERT INTO Delivery (id, eventId, tenantId, status, attempts, nextAttemptAt, createdAt, updatedAt) VALUES (?, ?, ?, 'delivered', 1, ?, ?, ?)",
  );
  const attempt = db.prepare('INSERT INTO DeliveryAttempt (deliveryId, at, httpStatus, durationMs, response) VALUES (?, ?, 200, 3, ?)');
  const batch = db.transaction((from: number, to: number) => {
    for (let seq = from; seq <= to; seq++) {
      const at = occurredAt(seq);
      const id = `evt_bench${String(seq).padStart(9, '0')}`;
      const data = JSON.stringify({
        users: [{ userid: `user${seq % 50_000}`, name: `Person ${seq % 50_000}`, deptIds: [1, 2], active: true, title: 'Engineer' }],
      });
      event.run(id, tenantId, seq, at, data);
      delivery.run(`dlv_bench${seq}`, id, tenantId, at, at, at);
      attempt.run(`dlv_bench${seq}`, at, '{"status":"applied"}');
    }
  });
  for (let from = 1; from <= count; from += BATCH) batch(from, Math.min(count, from + BATCH - 1));
  db.prepare('UPDATE Tenant SET lastSeq = ? WHERE id = ?').run(count, tenantId);
}
