import { redact, redactText, REDACTED } from './redact';

describe('redact', () => {
  it('masks secret-looking keys at any depth, inside arrays too', () => {
    const input = {
      user: 'alice',
      headers: { Authorization: 'Bearer abc', cookie: 'sid=1', 'x-api-key': 'k', accept: 'json' },
      tenants: [{ id: 't1', webhookSecret: 'whsec_x' }, { id: 't2', apiKey: 'dtg_y', api_key: 'z' }],
      dingtalk: { accessToken: 'tok', authCode: 'c0de', suite_ticket: 'tkt', errcode: 0 },
      login: { password: 'pw', signature: 'sig' },
    };
    expect(redact(input)).toEqual({
      user: 'alice',
      headers: { Authorization: REDACTED, cookie: REDACTED, 'x-api-key': REDACTED, accept: 'json' },
      tenants: [{ id: 't1', webhookSecret: REDACTED }, { id: 't2', apiKey: REDACTED, api_key: REDACTED }],
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
});
