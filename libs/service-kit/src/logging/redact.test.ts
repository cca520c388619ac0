import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { redact, redactText, REDACTED } from './redact';

describe('redact', () => {
  it('masks secret-looking keys at any depth, inside arrays too', () => {
    const input = {
      user: 'alice',
      headers: { Authorization: 'Bearer abc', cookie: 'sid=1', 'x-api-key': 'k', accept: 'json' },
      tenants: [
        { id: 't1', webhookSecret: 'whsec_x' },
        { id: 't2', apiKey: 'dtg_y', api_key: 'z' },
      ],
      dingtalk: { accessToken: 'tok', authCode: 'c0de', suite_ticket: 'tkt', errcode: 0 },
      login: { password: 'pw', signature: 'sig' },
    };
    expect(redact(input)).toEqual({
      user: 'alice',
      headers: { Authorization: REDACTED, cookie: REDACTED, 'x-api-key': REDACTED, accept: 'json' },
      tenants: [
        { id: 't1', webhookSecret: REDACTED },
        { id: 't2', apiKey: REDACTED, api_key: REDACTED },
      ],
      dingtalk: { accessToken: REDACTED, authCode: REDACTED, suite_ticket: REDACTED, errcode: 0 },
      login: { password: REDACTED, signature: REDACTED },
    });
  });

  it('does not modify the original object', () => {
    const input = { token: 'keep-me' };
    redact(input);
    expect(input.token).toBe('keep-me');
  });

  it('masks bearer tokens, webhook secrets and API keys inside free text', () => {
    const text = 'call failed: Authorization: Bearer eyJhbGciOi.J9.abc-def with whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw and dtg_live_123abc';
    const result = redactText(text);
    expect(result).toBe(`call failed: Authorization: Bearer ${REDACTED} with ${REDACTED} and ${REDACTED}`);
  });

  it('masks secrets in strings nested in arrays', () => {
    expect(redact({ notes: ['ok', 'key dtg_abc'] })).toEqual({ notes: ['ok', `key ${REDACTED}`] });
  });

  it('turns errors into plain objects keeping message and stack, and survives cycles', () => {
    const error = new Error('failed with Bearer secret-token');
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const result = redact({ err: error, cyclic }) as { err: { message: string; stack: string }; cyclic: { self: unknown } };
    expect(result.err.message).toBe(`failed with Bearer ${REDACTED}`);
    expect(result.err.stack).toContain('redact.test.ts');
    expect(result.err.stack).not.toContain('secret-token');
    expect(result.cyclic.self).toBe('[Circular]');
  });

  it('masks credentials in query strings and form bodies, keeping the other parameters', () => {
    expect(redactText('GET https://oapi.dingtalk.com/gettoken?appkey=dingkey&appsecret=s3cr3t-value')).toBe(
      `GET https://oapi.dingtalk.com/gettoken?appkey=dingkey&appsecret=${REDACTED}`,
    );
    expect(redactText('POST /topapi/v2/department/listsub?access_token=abc123&dept_id=1 failed')).toBe(
      `POST /topapi/v2/department/listsub?access_token=${REDACTED}&dept_id=1 failed`,
    );
    expect(redactText('/service/get_corp_token?suite_access_token=t1&suiteTicket=t2&timestamp=1')).toBe(
      `/service/get_corp_token?suite_access_token=${REDACTED}&suiteTicket=${REDACTED}&timestamp=1`,
    );
    expect(redactText('callback?authCode=c1&state=s1&code=c2 and tmp_auth_code=c3')).toBe(
      `callback?authCode=${REDACTED}&state=${REDACTED}&code=${REDACTED} and tmp_auth_code=${REDACTED}`,
    );
    // Not credentials: DingTalk's error codes stay readable.
    expect(redactText('failed: errcode=88 sub_code=90018 status=503')).toBe('failed: errcode=88 sub_code=90018 status=503');
  });

  it('masks secret fields of JSON kept as text, also when escaped inside another JSON string', () => {
    const body = JSON.stringify({
      clientId: 'dingkey',
      clientSecret: 'cs-1',
      code: 'auth-code-1',
      grantType: 'authorization_code',
      suite: { suiteSecret: 'ss-"1' },
    });
    expect(JSON.parse(redactText(body))).toEqual({
      clientId: 'dingkey',
      clientSecret: REDACTED,
      code: REDACTED,
      grantType: 'authorization_code',
      suite: { suiteSecret: REDACTED },
    });
    const twice = JSON.stringify({ data: body });
    expect(JSON.parse(JSON.parse(redactText(twice)).data)).toMatchObject({ clientId: 'dingkey', clientSecret: REDACTED, code: REDACTED });
  });

  it('masks credential headers in a serialized HTTP request head', () => {
    const head = 'POST /v1.0/contact/users/me HTTP/1.1\r\nx-acs-dingtalk-access-token: t0ken\r\nAuthorization: Basic abc\r\nHost: api\r\n\r\n';
    expect(redactText(head)).toBe(
      `POST /v1.0/contact/users/me HTTP/1.1\r\nx-acs-dingtalk-access-token: ${REDACTED}\r\nAuthorization: ${REDACTED}\r\nHost: api\r\n\r\n`,
    );
  });

  it('masks user tokens and URL passwords in text', () => {
    expect(redactText('token dtgu_eyJ0aWQiOiJ0In0.c2ln in use')).toBe(`token ${REDACTED} in use`);
    expect(redactText('connect postgresql://local_store:pa55word@db:5432/store failed')).toBe(
      `connect postgresql://local_store:${REDACTED}@db:5432/store failed`,
    );
  });

  describe('a raw axios error (what a DingTalk client used to wrap)', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer((req) => req.socket.destroy());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('when it is redacted, then neither its URL nor its body gives a credential away', async () => {
      const secrets = ['query-token-0123456789', 'app-secret-0123456789', 'client-secret-0123456789', 'auth-code-0123456789', 'header-token-0123456789'];
      const failure = await axios
        .post(
          `${url}/v1.0/oauth2/userAccessToken?access_token=${secrets[0]}&appsecret=${secrets[1]}`,
          JSON.stringify({ clientSecret: secrets[2], code: secrets[3] }),
          {
            headers: { 'content-type': 'application/json', 'x-acs-dingtalk-access-token': secrets[4] },
          },
        )
        .catch((err: unknown) => err);
      expect(axios.isAxiosError(failure)).toBe(true);
      const logged = JSON.stringify(redact({ err: failure }));
      expect(logged).toContain('userAccessToken');
      for (const secret of secrets) expect(logged).not.toContain(secret);
    });
  });
});
