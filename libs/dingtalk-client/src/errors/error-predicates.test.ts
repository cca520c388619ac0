import { DingTalkApiError, DingTalkTransportError, SuiteTicketUnavailableError } from './dingtalk-errors';
import { isDingTalkBusy, isDingTalkNotFound } from './error-predicates';

const apiError = (errcode: number) => new DingTalkApiError({ method: 'POST', path: '/topapi/v2/user/get', errcode });

describe('error predicates', () => {
  it('when DingTalk says the person does not exist, then it is "not found" and not "busy"', () => {
    expect(isDingTalkNotFound(apiError(60121))).toBe(true);
    expect(isDingTalkBusy(apiError(60121))).toBe(false);
  });

  it('when DingTalk throttles, cannot be reached or the suite ticket is missing, then it is "busy"', () => {
    expect(isDingTalkBusy(apiError(90018))).toBe(true);
    expect(isDingTalkBusy(new DingTalkTransportError({ method: 'GET', path: '/x', reason: 'timeout', mayHaveReachedServer: true }))).toBe(true);
    expect(isDingTalkBusy(new SuiteTicketUnavailableError('suite1'))).toBe(true);
  });

  it('when the failure is ours or a refusal, then it is neither', () => {
    for (const err of [new Error('bug'), apiError(60011)]) {
      expect(isDingTalkNotFound(err)).toBe(false);
      expect(isDingTalkBusy(err)).toBe(false);
    }
  });
});
