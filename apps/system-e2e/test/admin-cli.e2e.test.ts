// The operator's CLI as a newcomer meets it: beside `npm start` (the demo stack's generated secrets
// next to the database file) it works with no environment at all; misconfigured, it says which
// variable and exits with its own status.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { adminCli } from './support/admin-cli';

describe('npm run admin beside a demo stack', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'admin-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the stack secrets next to the database it opens: no environment needed beyond the database', async () => {
    const key = randomBytes(32).toString('base64');
    writeFileSync(
      path.join(dir, 'stack-secrets.json'),
      JSON.stringify({ ENCRYPTION_KEY: key, ADMIN_TOKEN: 'a'.repeat(32), USER_TOKEN_SECRET: 'u'.repeat(43) }),
    );
    const env = { CLOUD_DATABASE_URL: `file:${path.join(dir, 'cloud-gateway.db')}` };

    const created = await adminCli<{ tenant: { id: string } }>(env, [
      'tenant',
      'create',
      '--name',
      'Acme',
      '--corp-id',
      'dingacme',
      '--app-key',
      'k',
      '--app-secret',
      's',
      '--agent-id',
      '1',
    ]);
    expect(created.code).toBe(0);
    const listed = await adminCli<{ items: { id: string }[] }>(env, ['tenant', 'list']);
    expect(listed).toMatchObject({ code: 0, json: { items: [{ id: created.json.tenant.id }] } });
  });

  it('re-enables a webhook endpoint disabled for failing too long; tenant show says so', async () => {
    writeFileSync(
      path.join(dir, 'stack-secrets.json'),
      JSON.stringify({ ENCRYPTION_KEY: randomBytes(32).toString('base64'), ADMIN_TOKEN: 'a'.repeat(32), USER_TOKEN_SECRET: 'u'.repeat(43) }),
    );
    const dbFile = path.join(dir, 'cloud-gateway.db');
    const env = { CLOUD_DATABASE_URL: `file:${dbFile}` };
    const args = ['tenant', 'create', '--name', 'Acme', '--corp-id', 'dingacme', '--app-key', 'k', '--app-secret', 's', '--agent-id', '1'];
    const created = await adminCli<{ tenant: { id: string } }>(env, args);
    const id = created.json.tenant.id;
    // As the dispatcher leaves it after ENDPOINT_DISABLE_AFTER of failures (apps/cloud-gateway/test/ops-webhooks.test.ts).
    const db = new Database(dbFile);
    db.prepare('UPDATE Tenant SET endpointFailingSince = ?, endpointDisabledAt = ? WHERE id = ?').run(Date.now() - 6 * 86_400_000, Date.now(), id);
    db.close();
    expect(await adminCli(env, ['tenant', 'show', id])).toMatchObject({ code: 0, json: { endpoint: { state: 'disabled' } } });

    const enabled = await adminCli(env, ['tenant', 'enable-endpoint', id]);
    expect(enabled).toMatchObject({ code: 0, json: { tenantId: id, wasDisabled: true, resumed: 0 } });
    expect(await adminCli(env, ['tenant', 'show', id])).toMatchObject({
      code: 0,
      json: { endpoint: { state: 'healthy', failingSince: null, disabledAt: null } },
    });
    // Four CLI processes, each starting tsx and checking migrations.
  }, 120_000);

  it('sets an ISV tenant’s template settings (--template-required, --default-template) and clears the default with none', async () => {
    const env = { CLOUD_DATABASE_URL: `file:${path.join(dir, 'cloud-gateway.db')}` };
    type Shown = { tenant?: { id: string; messageTemplates: unknown }; id?: string; messageTemplates?: unknown };
    const created = await adminCli<Shown>(env, [
      'tenant',
      'create',
      '--name',
      'Suite customer',
      '--corp-id',
      'dingsuite',
      '--mode',
      'isv',
      '--agent-id',
      '7',
      '--template-required',
      'on',
      '--default-template',
      'leave-approved',
    ]);
    expect(created.code).toBe(0);
    expect(created.json.tenant?.messageTemplates).toEqual({ required: true, defaultTemplateId: 'leave-approved' });
    const id = created.json.tenant?.id ?? '';
    const cleared = await adminCli<Shown>(env, ['tenant', 'update', id, '--default-template', 'none']);
    expect(cleared).toMatchObject({ code: 0, json: { messageTemplates: { required: true, defaultTemplateId: null } } });
    const bad = await adminCli<{ code: string }>(env, ['tenant', 'update', id, '--template-required', 'maybe']);
    expect([bad.code, bad.json.code]).toEqual([2, 'validation_failed']);
  });

  it('without the secrets file or ENCRYPTION_KEY, exits 78 with code config_invalid naming the variable', async () => {
    const answer = await adminCli<{ code: string; problems: { variable: string; reason: string }[] }>(
      { CLOUD_DATABASE_URL: `file:${path.join(dir, 'cloud-gateway.db')}` },
      ['tenant', 'list'],
    );
    expect(answer.code).toBe(78);
    expect(answer.json.code).toBe('config_invalid');
    expect(answer.json.problems).toContainEqual({ variable: 'ENCRYPTION_KEY', reason: 'is required but not set' });
  });
});
