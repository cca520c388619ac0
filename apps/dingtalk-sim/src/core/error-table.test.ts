import { apiErrorShape, ERROR_TABLE, oapiErrorBody } from './error-table';
import { missingParam, SimError, type SimErrorReason } from './sim-error';

describe('error table', () => {
  it('wraps every 88 reason with its sub_code in sub_code, sub_msg and errmsg', () => {
    const wrapped = (Object.keys(ERROR_TABLE) as SimErrorReason[]).filter((r) => ERROR_TABLE[r].oapi.errcode === 88);
    expect(wrapped.sort()).toEqual([
      'api_qps_limited',
      'ip_not_allowed',
      'monthly_quota',
      'permission_denied',
      'qps_limited',
      'template_required',
      'token_invalid',
      'token_missing',
    ]);
    for (const reason of wrapped) {
      const body = oapiErrorBody(new SimError(reason, 'why'));
      const sub = ERROR_TABLE[reason].oapi.subCode;
      expect(body).toEqual({ errcode: 88, sub_code: sub, sub_msg: 'why', errmsg: `ding talk error[subcode=${sub},submsg=why]` });
    }
  });

  it('renders plain errcodes without sub fields, honouring per-endpoint overrides', () => {
    expect(oapiErrorBody(new SimError('token_expired', 'expired'))).toEqual({ errcode: 42001, errmsg: 'expired' });
    expect(oapiErrorBody(new SimError('missing_param', 'x', { errcode: 41004 }))).toEqual({ errcode: 41004, errmsg: 'x' });
  });

  it('maps new-host failures to 4xx/5xx statuses with string codes', () => {
    for (const reason of Object.keys(ERROR_TABLE) as SimErrorReason[]) {
      const { status } = ERROR_TABLE[reason].api;
      expect(status >= 400 && status <= 599).toBe(true);
    }
    expect(apiErrorShape(missingParam('appKey'))).toEqual({ status: 400, body: { code: 'MissingappKey', message: 'missing parameter appKey' } });
    expect(apiErrorShape(new SimError('qps_limited', 'slow down')).status).toBe(403);
  });
});
