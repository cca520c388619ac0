import { z } from 'zod';
import { DingTalkApiError } from '../errors/dingtalk-errors';
import { parseResponse } from './response-parser';
import { thrown } from '../test/rejections';

const ctx = { method: 'POST', path: '/topapi/v2/user/get' };
const schema = z.object({ result: z.object({ userid: z.string() }) });
const parse = (status: number, body: unknown) => parseResponse({ status, body: typeof body === 'string' ? body : JSON.stringify(body) }, schema, ctx);

const errorOf = (fn: () => unknown) => thrown(fn, DingTalkApiError);

describe('parseResponse', () => {
  it('when the old API answers errcode 0, then the schema output is returned and extra fields are tolerated', () => {
    expect(parse(200, { errcode: 0, errmsg: 'ok', result: { userid: 'u1', extra: 1 }, request_id: 'x' })).toEqual({ result: { userid: 'u1' } });
  });

  it('when the new API answers 200 without an envelope, then the body is parsed', () => {
    const tokenSchema = z.object({ accessToken: z.string() });
    expect(parseResponse({ status: 200, body: '{"accessToken":"t","expireIn":7200}' }, tokenSchema, ctx)).toEqual({ accessToken: 't' });
  });

  it('when errcode 88 wraps sub_code 40014, then the error carries both and means refresh-token', () => {
    const err = errorOf(() =>
      parse(200, {
        errcode: 88,
        sub_code: '40014',
        sub_msg: '不合法的access_token',
        errmsg: 'ding talk error[subcode=40014,submsg=…]',
        request_id: '16l4ew3d47pdp',
      }),
    );
    expect(err).toMatchObject({ errcode: 88, subCode: '40014', requestId: '16l4ew3d47pdp', httpStatus: 200, kind: 'refresh-token', path: ctx.path });
    expect(err.message).toContain('不合法的access_token');
  });

  it('when sub_code is missing but errmsg names the subcode, then it is taken from errmsg', () => {
    const err = errorOf(() => parse(200, { errcode: 88, errmsg: 'ding talk error[subcode=90018,submsg=too fast]' }));
    expect(err).toMatchObject({ subCode: '90018', kind: 'throttled' });
  });

  it('when sub_code arrives as a number, then it is normalised to a string', () => {
    expect(errorOf(() => parse(200, { errcode: 88, sub_code: 90018 })).subCode).toBe('90018');
  });

  it('when the new host answers an unknown path with an old-style body, then the errcode is used', () => {
    expect(errorOf(() => parse(200, { errcode: 404, errmsg: 'URI not found' }))).toMatchObject({ errcode: 404, kind: 'fail-bad-request' });
  });

  it('when the new API answers 400 InvalidAuthentication, then code, message and requestid are kept', () => {
    const err = errorOf(() =>
      parse(400, { code: 'InvalidAuthentication', requestid: '01A08FE7-CD6B-79BB-8B2E-35D8768AD457', message: 'invalid access_token' }),
    );
    expect(err).toMatchObject({ code: 'InvalidAuthentication', httpStatus: 400, requestId: '01A08FE7-CD6B-79BB-8B2E-35D8768AD457', kind: 'refresh-token' });
    expect(err.message).toContain('invalid access_token');
  });

  it('when the new API answers 403 QpsLimit, then it is throttled', () => {
    expect(errorOf(() => parse(403, { code: 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', message: 'x' })).kind).toBe('throttled');
  });

  it('when the body is the per-IP block object, then the error is banned', () => {
    expect(errorOf(() => parse(200, { status: 1111, wait: 5, source: 'x5', punish: 'deny', uuid: 'u' }))).toMatchObject({ code: 'IpBlocked', kind: 'banned' });
  });

  it('when a 5xx answer is not JSON, then it is retryable with an unknown outcome', () => {
    expect(errorOf(() => parse(502, '<html>Bad Gateway</html>'))).toMatchObject({ httpStatus: 502, kind: 'retry-backoff', outcome: 'unknown' });
  });

  it('when a 200 answer is not JSON or misses required fields, then it is an unexpected response', () => {
    expect(errorOf(() => parse(200, '<html>blocked</html>'))).toMatchObject({ kind: 'unexpected-response', outcome: 'unknown' });
    const err = errorOf(() => parse(200, { errcode: 0, result: { user: 'x' } }));
    expect(err.kind).toBe('unexpected-response');
    expect(err.message).toContain('result.userid');
  });

  it('when a non-2xx answer is JSON without code, then the HTTP status decides', () => {
    expect(errorOf(() => parse(503, {})).kind).toBe('retry-backoff');
  });
});
