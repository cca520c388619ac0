import { SimError } from '../core/sim-error';
import type { Suite } from '../fixture/fixture.schema';
import type { World } from '../world';

export interface AuthInfo {
  corpId: string;
  corpName: string;
  adminUserid: string;
  agentId: number;
  agentName: string;
  appId: number;
}

/** Authorisation facts for one (suite, org); the agentId for work notifications comes from here. */
export function authInfo(world: World, suite: Suite, corpId: string): AuthInfo {
  const org = world.orgs.org(corpId);
  if (!org) throw new SimError('org_not_exist', `org ${corpId} does not exist`);
  const install = world.registry.install(suite.suiteKey, corpId);
  if (!install) throw new SimError('org_not_auth_app', `org ${corpId} has not authorised this app`);
  const admin = world.orgs.members(corpId).find((m) => m.admin)?.userid ?? '';
  return { corpId, corpName: org.corpName, adminUserid: admin, agentId: install.agentId, agentName: suite.appName, appId: suite.suiteId };
}

export function oldAuthInfoBody(info: AuthInfo) {
  return {
    auth_corp_info: {
      corpid: info.corpId,
      corp_name: info.corpName,
      full_corp_name: info.corpName,
      corp_type: 0,
      corp_logo_url: '',
      industry: 'Software',
      invite_code: '',
      invite_url: '',
      license_code: '',
      auth_channel: '',
      auth_channel_type: '',
      is_authenticated: false,
      auth_level: 0,
    },
    auth_user_info: { userId: info.adminUserid },
    auth_info: {
      agent: [{ agentid: info.agentId, agent_name: info.agentName, logo_url: '', appid: info.appId, admin_list: info.adminUserid ? [info.adminUserid] : [] }],
    },
    channel_auth_info: {},
  };
}

export function newAuthInfoBody(info: AuthInfo) {
  return {
    authCorpInfo: {
      corpName: info.corpName,
      industry: 'Software',
      inviteCode: '',
      inviteUrl: '',
      licenseCode: '',
      authChannel: '',
      authChannelType: '',
      authLevel: 0,
      corpLogoUrl: '',
    },
    authUserInfo: { userId: info.adminUserid },
    authAppInfo: {
      agentList: [{ agentId: info.agentId, agentName: info.agentName, appId: info.appId, adminList: info.adminUserid ? [info.adminUserid] : [] }],
    },
  };
}
