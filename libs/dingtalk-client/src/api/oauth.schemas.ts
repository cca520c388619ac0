import { z } from 'zod';

/** `GET /v1.0/contact/users/me` with a user access token. ISV apps see `mobile` masked. */
export const UserProfileSchema = z.object({
  nick: z.string(),
  unionId: z.string().min(1),
  openId: z.string().optional(),
  avatarUrl: z.string().optional(),
  mobile: z.string().optional(),
  stateCode: z.string().optional(),
  email: z.string().optional(),
});
export type UserProfile = z.infer<typeof UserProfileSchema>;
