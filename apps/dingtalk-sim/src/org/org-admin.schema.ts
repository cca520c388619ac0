import { z } from 'zod';

const deptIds = z.array(z.number().int().positive()).min(1);

export const UserCreateSchema = z.object({
  userid: z.string().min(1),
  name: z.string().min(1),
  deptIds,
  /** Link to an existing DingTalk account (same person in several orgs); default a new person. */
  personId: z.string().min(1).optional(),
  mobile: z.string().min(1).optional(),
  email: z.string().optional(),
  stateCode: z.string().optional(),
  title: z.string().optional(),
  jobNumber: z.string().optional(),
  orgEmail: z.string().optional(),
  hiredDate: z.number().int().optional(),
  managerUserid: z.string().optional(),
  admin: z.boolean().optional(),
  active: z.boolean().optional(),
});

/** At most 5,000 a call: about 400 KB of JSON, inside the control plane's 1 MB body limit. */
export const UsersBulkSchema = z.object({ users: z.array(UserCreateSchema).min(1).max(5000) });

export const UserPatchSchema = z
  .object({
    name: z.string().min(1),
    deptIds,
    mobile: z.string().min(1),
    email: z.string(),
    title: z.string(),
    jobNumber: z.string(),
    orgEmail: z.string(),
    managerUserid: z.string(),
    admin: z.boolean(),
    active: z.boolean(),
  })
  .partial();

export const DeptCreateSchema = z.object({
  deptId: z.number().int().positive().optional(),
  name: z.string().min(1),
  parentId: z.number().int().positive().default(1),
});

export const DeptPatchSchema = z.object({ name: z.string().min(1), parentId: z.number().int().positive() }).partial();

export type UserCreate = z.infer<typeof UserCreateSchema>;
export type UserPatch = z.infer<typeof UserPatchSchema>;
export type DeptCreate = z.input<typeof DeptCreateSchema>;
export type DeptPatch = z.infer<typeof DeptPatchSchema>;
