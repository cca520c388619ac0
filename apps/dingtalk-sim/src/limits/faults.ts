import { z } from 'zod';
import type { SeededRandom } from '../core/random';

export const FaultKindSchema = z.enum(['5xx', 'timeout', 'reset', 'busy', 'invalidate-token', 'ip-ban', 'qps', 'monthly-quota']);

export const FaultRuleSchema = z.object({
  /** Path prefix the rule applies to; absent = every DingTalk path. */
  path: z.string().optional(),
  kind: FaultKindSchema,
  probability: z.number().min(0).max(1).default(1),
  /** How many times the rule may fire before it is removed; absent = unlimited. */
  times: z.number().int().positive().optional(),
  /** timeout only: how long to hold the request before destroying the socket. */
  holdMs: z.number().int().min(0).optional(),
});

export const FaultRulesSchema = z.object({ rules: z.array(FaultRuleSchema) });

export type FaultKind = z.infer<typeof FaultKindSchema>;
export type FaultRule = z.infer<typeof FaultRuleSchema>;
export type FaultRuleInput = z.input<typeof FaultRuleSchema>;

/** Injected failures for retry and chaos tests; rules are checked in order, first hit wins. */
export class FaultInjector {
  private rules: Array<FaultRule & { remaining?: number }> = [];

  constructor(private readonly random: SeededRandom) {}

  set(rules: FaultRule[]): void {
    this.rules = rules.map((r) => ({ ...r, ...(r.times !== undefined ? { remaining: r.times } : {}) }));
  }

  list(): FaultRule[] {
    return this.rules.map(({ remaining, ...rule }) => (remaining === undefined ? rule : { ...rule, times: remaining }));
  }

  clear(): void {
    this.rules = [];
  }

  /** A coin for fault side decisions (e.g. whether a timed-out send took effect). */
  chance(probability: number): boolean {
    return this.random.chance(probability);
  }

  /** The fault to apply to this request, if any; consumes one use of a limited rule. */
  draw(path: string): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.path !== undefined && !path.startsWith(rule.path)) continue;
      if (!this.random.chance(rule.probability)) continue;
      if (rule.remaining !== undefined) {
        rule.remaining -= 1;
        if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
      }
      return rule;
    }
    return undefined;
  }
}
