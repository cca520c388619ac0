import { classify, ERROR_CLASSIFICATION, IP_BLOCKED_CODE } from './error-classification';
import { DingTalkApiError, DingTalkTransportError } from './dingtalk-errors';

describe('ERROR_CLASSIFICATION, row by row', () => {
  for (const rule of ERROR_CLASSIFICATION) {
    for (const errcode of rule.errcodes ?? []) {
      it(`errcode ${errcode} → ${rule.kind}`, () => {
        expect(classify({ errcode })).toBe(rule.kind);
      });
      it(`errcode 88 wrapping sub_code "${errcode}" → ${rule.kind}`, () => {
        expect(classify({ errcode: 88, subCode: String(errcode) })).toBe(rule.kind);
      });
    }
    for (const code of rule.codes ?? []) {
      it(`code ${code} → ${rule.kind}`, () => {
        expect(classify({ code, httpStatus: 400 })).toBe(rule.kind);
      });
    }
    for (const prefix of rule.codePrefixes ?? []) {
      it(`code ${prefix}… → ${rule.kind}`, () => {
        expect(classify({ code: `${prefix}ForAppkeyAndApi`, httpStatus: 403 })).toBe(rule.kind);
      });
    }
  }
});

describe('classify precedence and fallbacks', () => {
  it('when sub_code and errcode disagree, then sub_code wins', () => {
    expect(classify({ errcode: 40014, subCode: '90018' })).toBe('throttled');
  });

  it('when errcode 88 wraps an unknown sub_code, then the kind is unknown', () => {
    expect(classify({ errcode: 88, subCode: '77777' })).toBe('unknown');
    expect(classify({ errcode: 88 })).toBe('unknown');
  });

  it('when sub_code is not numeric, then errcode decides', () => {
    expect(classify({ errcode: 60121, subCode: 'isv.something' })).toBe('not-found');
  });

  it('when only an HTTP status is known, then 429/5xx retry, 401 refreshes, others are unknown', () => {
    expect(classify({ httpStatus: 429 })).toBe('retry-backoff');
    expect(classify({ httpStatus: 502 })).toBe('retry-backoff');
    expect(classify({ httpStatus: 401 })).toBe('refresh-token');
    expect(classify({ httpStatus: 418 })).toBe('unknown');
    expect(classify({})).toBe('unknown');
  });

  it('when an unknown code arrives with a 5xx status, then it is retried like a server error', () => {
    expect(classify({ code: 'somethingNew', httpStatus: 503 })).toBe('retry-backoff');
  });

  it('the per-IP block marker is classified as banned', () => {
    expect(classify({ code: IP_BLOCKED_CODE })).toBe('banned');
  });
});

describe('DingTalkApiError', () => {
  it('carries the codes, its kind and a definite outcome for a definite answer', () => {
    const err = new DingTalkApiError({
      method: 'POST',
      path: '/topapi/v2/user/get',
      httpStatus: 200,
      errcode: 88,
      subCode: '40014',
      subMsg: 'invalid token',
      errmsg: 'ding talk error[subcode=40014,submsg=invalid token]',
      requestId: 'abc123',
    });
    expect(err).toBeInstanceOf(Error);
    expect(err.kind).toBe('refresh-token');
    expect(err.outcome).toBe('rejected');
    expect(err.message).toBe('DingTalk POST /topapi/v2/user/get failed: HTTP 200 errcode=88 sub_code=40014 — invalid token');
  });

  it('marks 5xx, busy and unreadable answers as outcome unknown', () => {
    expect(new DingTalkApiError({ method: 'POST', path: '/x', httpStatus: 500 }).outcome).toBe('unknown');
    expect(new DingTalkApiError({ method: 'POST', path: '/x', errcode: -1 }).outcome).toBe('unknown');
    expect(new DingTalkApiError({ method: 'POST', path: '/x', kind: 'unexpected-response' }).outcome).toBe('unknown');
  });
});

describe('DingTalkTransportError', () => {
  it('is outcome unknown only when the request may have reached DingTalk', () => {
    const sent = new DingTalkTransportError({ method: 'POST', path: '/x', reason: 'timeout', mayHaveReachedServer: true });
    const refused = new DingTalkTransportError({ method: 'POST', path: '/x', reason: 'connection', mayHaveReachedServer: false });
    expect(sent.outcome).toBe('unknown');
    expect(refused.outcome).toBe('rejected');
    expect(sent.message).toContain('may have reached DingTalk');
  });
});
