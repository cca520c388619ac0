import { DingTalkApiError, DingTalkTransportError } from '@dtg/dingtalk-client';
import { AppError } from '@dtg/service-kit';
import { z } from 'zod';
import { classifyCallFailure } from './dingtalk-failure';

const api = (init: Partial<ConstructorParameters<typeof DingTalkApiError>[0]>) => new DingTalkApiError({ method: 'POST', path: '/topapi/x', ...init });

describe('classifyCallFailure', () => {
  it('when DingTalk may have acted (busy, 5xx, timeout after sending), then the outcome is unknown', () => {
    expect(classifyCallFailure(api({ errcode: -1 }))).toEqual({ kind: 'unknown', reason: '-1' });
    expect(classifyCallFailure(api({ httpStatus: 502 }))).toEqual({ kind: 'unknown', reason: 'http_502' });
    const timeout = new DingTalkTransportError({ method: 'POST', path: '/topapi/x', reason: 'timeout', mayHaveReachedServer: true });
    expect(classifyCallFailure(timeout)).toEqual({ kind: 'unknown', reason: 'timeout' });
  });

  it('when DingTalk refused before acting and it may pass later (throttled, refused connection), then it is retried', () => {
    expect(classifyCallFailure(api({ errcode: 88, subCode: '90018' }))).toEqual({ kind: 'retry', reason: '90018' });
    const refused = new DingTalkTransportError({ method: 'POST', path: '/topapi/x', reason: 'connection', mayHaveReachedServer: false });
    expect(classifyCallFailure(refused)).toEqual({ kind: 'retry', reason: 'connection' });
  });

  it('when retrying cannot help (permission, bad agent, missing credentials), then it fails', () => {
    expect(classifyCallFailure(api({ errcode: 60011 }))).toEqual({ kind: 'fail', reason: '60011' });
    expect(classifyCallFailure(api({ errcode: 40056 }))).toEqual({ kind: 'fail', reason: '40056' });
    expect(classifyCallFailure(new AppError('unavailable', 'no suite'))).toEqual({ kind: 'fail', reason: 'credentials_unavailable' });
    const invalid = z.object({ a: z.string() }).safeParse({});
    expect(classifyCallFailure(invalid.error)).toEqual({ kind: 'fail', reason: 'invalid_request' });
  });

  it('when the error is not from DingTalk, then it is rethrown', () => {
    expect(() => classifyCallFailure(new TypeError('bug'))).toThrow('bug');
  });
});
