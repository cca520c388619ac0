// A browser starting "Sign in with DingTalk" at the store (GET /auth/login): the binding cookie it
// is given, as it sends it back, and the binding hash the store passed to the cloud.
import type { Express } from 'express';
import request from 'supertest';

export interface StartedLogin {
  /** `name=value`, for a Cookie header. */
  cookie: string;
  binding: string;
  /** Where the store sent the browser. */
  location: URL;
}

export async function startLogin(app: Express): Promise<StartedLogin> {
  const res = await request(app).get('/auth/login');
  if (res.status !== 302) throw new Error(`GET /auth/login answered ${res.status}`);
  const location = new URL(String(res.headers['location']));
  const cookie = ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .find((line) => line.startsWith('dtg_bind_'))
    ?.split(';')[0];
  const binding = location.searchParams.get('binding');
  if (!cookie || !binding) throw new Error('GET /auth/login set no binding cookie');
  return { cookie, binding, location };
}
