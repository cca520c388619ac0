import { DingTalkApiError } from './dingtalk-errors';
import { diagnoseSetup } from './setup-diagnosis';
import { parseResponse } from '../http/response-parser';
import { thrown } from '../test/rejections';
import { z } from 'zod';

const ctx = { method: 'POST', path: '/topapi/v2/user/get' };

const answer = (status: number, body: unknown) => thrown(() => parseResponse({ status, body: JSON.stringify(body) }, z.object({}), ctx), DingTalkApiError);

describe('diagnoseSetup', () => {
  it("names the missing permission from the old host's wrapped 60011 prose", () => {
    const err = answer(200, {
      errcode: 88,
      sub_code: '60011',
      sub_msg: '没有调用该接口的权限，接口权限申请参考：https://open.dingtalk.com/x, requiredScopes:[qyapi_get_member]',
      errmsg: 'ding talk error[subcode=60011,submsg=…]',
    });
    expect(err.requiredScopes).toEqual(['qyapi_get_member']);
    expect(diagnoseSetup(err)).toMatchObject({
      problem: 'missing_permission',
      permissions: ['qyapi_get_member'],
      fix: expect.stringContaining('qyapi_get_member'),
    });
  });

  it("names them from the new host's accessdenieddetail", () => {
    const err = answer(403, {
      code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied',
      message: 'no permission',
      accessdenieddetail: { requiredScopes: ['Contact.User.Read', 'Contact.User.mobile'] },
    });
    expect(diagnoseSetup(err)).toMatchObject({ problem: 'missing_permission', permissions: ['Contact.User.Read', 'Contact.User.mobile'] });
  });

  it('still says what to do when DingTalk names no permission', () => {
    const diagnosis = diagnoseSetup(answer(200, { errcode: 60011, errmsg: 'no permission' }));
    expect(diagnosis).toEqual({ problem: 'missing_permission', fix: expect.stringContaining('the missing API permission') });
  });

  it.each([
    [{ errcode: 88, sub_code: '60020', sub_msg: 'ip not in white list' }, 'ip_not_allowed'],
    [{ errcode: 40096, errmsg: 'invalid appKey or appSecret' }, 'bad_credentials'],
    [{ errcode: 40056, errmsg: 'invalid agentid' }, 'invalid_agent'],
    [{ errcode: 50004, errmsg: 'department outside scope' }, 'outside_contact_scope'],
    [{ errcode: 50002, errmsg: 'user outside scope' }, 'outside_contact_scope'],
    [{ errcode: 40079, errmsg: 'not authorised' }, 'suite_not_authorised'],
  ])('classifies %j as %s, with a fix', (body, problem) => {
    expect(diagnoseSetup(answer(200, body))).toEqual({ problem, fix: expect.any(String) });
  });

  it('is undefined for what is not a setup problem (throttling, not found, bugs)', () => {
    expect(diagnoseSetup(answer(200, { errcode: 88, sub_code: '90018', sub_msg: 'qps' }))).toBeUndefined();
    expect(diagnoseSetup(answer(200, { errcode: 60121, errmsg: 'not found' }))).toBeUndefined();
    expect(diagnoseSetup(new Error('boom'))).toBeUndefined();
  });
});
