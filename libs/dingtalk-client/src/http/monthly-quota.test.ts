import { countsAgainstMonthlyQuota } from './monthly-quota';

describe('countsAgainstMonthlyQuota', () => {
  it('when a call sends or queries messages or uploads media, then DingTalk counts it', () => {
    for (const path of ['/topapi/message/corpconversation/asyncsend_v2', '/topapi/message/corpconversation/getsendresult', '/media/upload']) {
      expect(countsAgainstMonthlyQuota(path)).toBe(true);
    }
  });

  it('when a call fetches a token, signs someone in or reads contacts, then it is free', () => {
    for (const path of [
      '/gettoken',
      '/v1.0/oauth2/accessToken',
      '/service/get_corp_token',
      '/v1.0/contact/users/me',
      '/topapi/v2/user/get',
      '/topapi/v2/department/listsub',
      '/topapi/user/listid',
    ]) {
      expect(countsAgainstMonthlyQuota(path)).toBe(false);
    }
  });
});
