import { z } from 'zod';

export const PROBLEM_TYPE_BASE = 'https://dingtalk-gateway.dev/problems/';

export const FieldErrorSchema = z.object({ path: z.string(), message: z.string() });

/**
 * RFC 9457 problem body as every service returns it. `code` stays a plain string so a client built
 * against an older table still parses problems carrying codes added later.
 */
export const ProblemSchema = z.object({
  type: z.string().startsWith(PROBLEM_TYPE_BASE),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string(),
  code: z.string(),
  requestId: z.string(),
  errors: z.array(FieldErrorSchema).optional(),
  /** With code missing_permission: the permission (scope or role right) the caller lacks, e.g. `messages:send:departments`. */
  missingPermission: z.string().optional(),
  /** With code dingtalk_setup: what DingTalk refused and where to fix it (`permissions` names the API permissions to grant). */
  dingtalk: z.object({ problem: z.string(), permissions: z.array(z.string()).optional(), fix: z.string() }).optional(),
  /** With code events_pruned: every event up to this seq was pruned; pull again with `after` at least this. */
  prunedThrough: z.number().int().optional(),
});

export type Problem = z.infer<typeof ProblemSchema>;
