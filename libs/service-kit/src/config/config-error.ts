export interface ConfigProblem {
  variable: string;
  reason: string;
}

/** Lists every bad variable at once, so a deploy is fixed in one round instead of one per variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(`Invalid configuration:\n${problems.map(formatProblem).join('\n')}`);
    this.problems = problems;
  }
}

export function formatProblem(problem: ConfigProblem): string {
  return `  ${problem.variable}: ${problem.reason}`;
}
