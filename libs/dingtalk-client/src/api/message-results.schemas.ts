import { z } from 'zod';

export const SendProgressSchema = z.object({
  progress_in_percent: z.number().min(0).max(100),
  /** 0 not started, 1 running, 2 done. */
  status: z.number().int(),
});
export type SendProgress = z.infer<typeof SendProgressSchema>;

/** DingTalk omits empty lists; they default to [] so callers can iterate without checks. */
export const SendResultSchema = z.object({
  invalid_user_id_list: z.array(z.string()).default([]),
  forbidden_user_id_list: z.array(z.string()).default([]),
  failed_user_id_list: z.array(z.string()).default([]),
  read_user_id_list: z.array(z.string()).default([]),
  unread_user_id_list: z.array(z.string()).default([]),
  invalid_dept_id_list: z.array(z.number().int()).default([]),
  /** code 143105 = per-user daily cap, 143106 = same content already sent today; count = the threshold. */
  forbidden_list: z.array(z.object({ code: z.string(), count: z.number(), userid: z.string() })).default([]),
});
export type SendResult = z.infer<typeof SendResultSchema>;
