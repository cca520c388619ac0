import { z } from 'zod';

/** `GET /v1.0/oauth2/apps/authInfo`. The agentId needed for work notifications is in authAppInfo.agentList. */
export const AuthInfoSchema = z.object({
  authCorpInfo: z.object({
    corpName: z.string(),
    industry: z.string().optional(),
    inviteCode: z.string().optional(),
    inviteUrl: z.string().optional(),
    licenseCode: z.string().optional(),
    authChannel: z.string().optional(),
    authChannelType: z.string().optional(),
    authLevel: z.number().int().optional(),
    corpLogoUrl: z.string().optional(),
  }),
  authUserInfo: z.object({ userId: z.string() }).optional(),
  authAppInfo: z.object({
    agentList: z.array(
      z.object({
        agentId: z.number().int(),
        agentName: z.string().optional(),
        appId: z.number().int().optional(),
        adminList: z.array(z.string()).optional(),
      }),
    ),
  }),
});
export type AuthInfo = z.infer<typeof AuthInfoSchema>;

/** `POST /service/get_auth_info` (old, signed). */
export const LegacyAuthInfoSchema = z.object({
  auth_corp_info: z.object({
    corpid: z.string(),
    corp_name: z.string(),
    full_corp_name: z.string().optional(),
    corp_type: z.number().int().optional(),
    corp_logo_url: z.string().optional(),
    industry: z.string().optional(),
    invite_code: z.string().optional(),
    invite_url: z.string().optional(),
    license_code: z.string().optional(),
    auth_channel: z.string().optional(),
    auth_channel_type: z.string().optional(),
    is_authenticated: z.boolean().optional(),
    auth_level: z.number().int().optional(),
  }),
  auth_user_info: z.object({ userId: z.string() }).optional(),
  auth_info: z.object({
    agent: z.array(
      z.object({
        agentid: z.number().int(),
        agent_name: z.string().optional(),
        logo_url: z.string().optional(),
        appid: z.number().int().optional(),
        admin_list: z.array(z.string()).optional(),
      }),
    ),
  }),
});
export type LegacyAuthInfo = z.infer<typeof LegacyAuthInfoSchema>;

export const PermanentCodeSchema = z.object({
  permanent_code: z.string().min(1),
  auth_corp_info: z.object({ corpid: z.string(), corp_name: z.string() }),
});
export type PermanentCode = z.infer<typeof PermanentCodeSchema>;
