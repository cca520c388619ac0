// Failures an operator fixes in DingTalk's consoles, not in code: what is wrong and where to fix it,
// in words an operator can act on. Used for API answers (problem+json) and `tenant check`.
import { DingTalkApiError } from './dingtalk-errors';

export type SetupProblemKind = 'missing_permission' | 'ip_not_allowed' | 'bad_credentials' | 'invalid_agent' | 'outside_contact_scope' | 'suite_not_authorised';

export interface SetupProblem {
  problem: SetupProblemKind;
  /** The permission codes DingTalk named (missing_permission), as the developer console lists them. */
  permissions?: string[];
  /** Where and how to fix it. */
  fix: string;
}

interface Rule {
  problem: SetupProblemKind;
  errcodes: number[];
  codes: string[];
  fix: (permissions: string[] | undefined) => string;
}

const RULES: Rule[] = [
  {
    problem: 'missing_permission',
    errcodes: [60011],
    codes: ['Forbidden.AccessDenied.AccessTokenPermissionDenied'],
    fix: (permissions) =>
      `Grant ${permissions ? `the permission ${permissions.join(', ')}` : 'the missing API permission'} in the DingTalk developer console ` +
      '(open-dev.dingtalk.com → the app → 权限管理 / Permissions → search the code → 申请权限 / Apply). For a third-party suite, ' +
      'add it to the suite and have each organisation re-authorise.',
  },
  {
    problem: 'ip_not_allowed',
    errcodes: [60020],
    codes: ['Forbidden.AccessDenied.IpNotInWhiteList'],
    fix: () =>
      "Add the gateway's public egress IP address to the app's server IP allow-list (developer console → the app → " +
      '开发管理 / Development → 服务器出口IP / Server egress IP).',
  },
  {
    problem: 'bad_credentials',
    errcodes: [40089, 40096, 41004, 40083],
    codes: ['invalidClientIdOrSecret', 'invalid.client', 'unauthorized.client', 'invalidSuiteKey'],
    fix: () =>
      'The Client ID / Client Secret (AppKey/AppSecret, or SuiteKey/SuiteSecret) do not match: copy them again from the developer ' +
      'console (凭证与基础信息 / Credentials) and update the tenant (npm run admin -- tenant update <id> --app-secret …) or SUITE_KEY/SUITE_SECRET.',
  },
  {
    problem: 'invalid_agent',
    errcodes: [40056, 41011],
    codes: ['MissingagentId'],
    fix: () => "The AgentId is not this app's in this organisation: copy it from the developer console (the app's AgentId) and update the tenant (--agent-id).",
  },
  {
    problem: 'outside_contact_scope',
    errcodes: [50002, 50004],
    codes: [],
    fix: () =>
      "An organisation admin must widen the app's contact scope (管理后台 / admin console → 工作台 / Workbench → the app → " +
      '通讯录权限范围 / contact scope) to the whole organisation, or at least to the departments the gateway reads.',
  },
  {
    problem: 'suite_not_authorised',
    errcodes: [40079, 41030],
    codes: ['invalidAuthInfo', 'orgNotAuthApp', 'orgNotExist'],
    fix: () => 'The organisation has not authorised the suite, or removed it: an organisation admin installs (authorises) it again.',
  },
];

/** What to fix in DingTalk's consoles for this error, or undefined when it is not a setup problem. */
export function diagnoseSetup(err: unknown): SetupProblem | undefined {
  if (!(err instanceof DingTalkApiError)) return undefined;
  const errcode = err.errcode === 88 && err.subCode !== undefined ? Number(err.subCode) : err.errcode;
  const rule = RULES.find((r) => (errcode !== undefined && r.errcodes.includes(errcode)) || (err.code !== undefined && r.codes.includes(err.code)));
  if (!rule) return undefined;
  const permissions = rule.problem === 'missing_permission' ? err.requiredScopes : undefined;
  return { problem: rule.problem, ...(permissions ? { permissions } : {}), fix: rule.fix(permissions) };
}
