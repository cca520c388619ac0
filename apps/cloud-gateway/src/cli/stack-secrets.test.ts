import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { withStackSecrets } from './stack-secrets';

describe('withStackSecrets', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'stack-secrets-'));
    writeFileSync(path.join(dir, 'stack-secrets.json'), JSON.stringify({ ENCRYPTION_KEY: 'from-file', ADMIN_TOKEN: 'admin-from-file' }));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fills in what the environment leaves unset (or empty) from the file beside the database', () => {
    const env = withStackSecrets({ ADMIN_TOKEN: '', OTHER: 'x' }, `file:${path.join(dir, 'cloud.db')}`);
    expect(env).toMatchObject({ ENCRYPTION_KEY: 'from-file', ADMIN_TOKEN: 'admin-from-file', OTHER: 'x' });
  });

  it("also takes the stack's other settings (the simulator as DingTalk), below the secrets and the environment", () => {
    writeFileSync(path.join(dir, 'stack-env.json'), JSON.stringify({ DINGTALK_API_URL: 'http://127.0.0.1:3200', ENCRYPTION_KEY: 'not-this-one' }));
    const env = withStackSecrets({ DINGTALK_OAPI_URL: 'http://elsewhere' }, `file:${path.join(dir, 'cloud.db')}`);
    expect(env).toMatchObject({ DINGTALK_API_URL: 'http://127.0.0.1:3200', DINGTALK_OAPI_URL: 'http://elsewhere', ENCRYPTION_KEY: 'from-file' });
  });

  it('never overrides a value the environment sets', () => {
    expect(withStackSecrets({ ENCRYPTION_KEY: 'from-env' }, `file:${path.join(dir, 'cloud.db')}`).ENCRYPTION_KEY).toBe('from-env');
  });

  it('leaves the environment alone for a database elsewhere or not on a file', () => {
    const env = { OTHER: 'x' };
    expect(withStackSecrets(env, `file:${path.join(tmpdir(), 'elsewhere', 'cloud.db')}`)).toBe(env);
    expect(withStackSecrets(env, 'postgresql://db/cloud')).toBe(env);
  });
});
