import type { UserProfile } from '@dtg/contracts';
import request from 'supertest';
import { startLogin } from './browser-login';
import { event, loginTicket, user } from './events';
import type { TestStore } from './test-store';

/** A fresh viewer (an org admin with `admin: true`) signs in (started at the store, its ticket pushed); returns the session cookie (`dtg_session=…`). */
export async function signedInCookie(store: TestStore, seq: number, userid = `viewer${seq}`, profile: Partial<UserProfile> = {}): Promise<string> {
  const started = await startLogin(store.app);
  const login = loginTicket(`ticket-${userid}-${'y'.repeat(24)}`, user(userid, { name: `Viewer ${userid}`, ...profile }), { binding: started.binding });
  const pushed = await store.push(event('user.authenticated', seq, login.data));
  if (pushed.body.status !== 'applied') throw new Error(`login ticket not applied: ${JSON.stringify(pushed.body)}`);
  const res = await request(store.app).post('/api/session').set('cookie', started.cookie).send({ ticket: login.ticket });
  const header = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((line) => line.startsWith('dtg_session='));
  if (!header) throw new Error(`sign-in failed: ${res.status}`);
  return header.split(';')[0] ?? '';
}
