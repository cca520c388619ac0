import { z } from 'zod';

/** A member of the org as the product stores it (camelCase; DingTalk's snake_case stays in the client). */
export const UserProfileSchema = z.object({
  userid: z.string().min(1).max(64),
  unionId: z.string().min(1).max(128).optional(),
  name: z.string().max(256),
  avatar: z.string().max(2048).optional(),
  title: z.string().max(256).optional(),
  jobNumber: z.string().max(128).optional(),
  mobile: z.string().max(64).optional(),
  email: z.string().max(256).optional(),
  deptIds: z.array(z.number().int()),
  managerUserid: z.string().max(64).optional(),
  admin: z.boolean().optional(),
  boss: z.boolean().optional(),
  active: z.boolean().default(true),
});
export type UserProfile = z.infer<typeof UserProfileSchema>;

export const DepartmentSchema = z.object({
  deptId: z.number().int().positive(),
  name: z.string().max(256),
  parentId: z.number().int().nonnegative().nullable(),
});
export type Department = z.infer<typeof DepartmentSchema>;
