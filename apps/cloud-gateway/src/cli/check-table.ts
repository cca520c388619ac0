import type { TenantCheckReport } from '../features/diagnostics/tenant-check';

const MARK = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

/** `tenant check` for a person at a terminal: one line per check, and under each failure its fix. */
export function checkTable(report: TenantCheckReport): string {
  const width = Math.max(...report.checks.map((c) => c.title.length));
  const lines = [`Tenant ${report.tenantId} (${report.mode}): ${report.ok ? 'all checks passed' : 'some checks FAILED'}`, ''];
  for (const c of report.checks) {
    lines.push(`${MARK[c.status]}  ${c.title.padEnd(width)}  ${c.detail}`);
    if (c.fix) lines.push(`      fix: ${c.fix}`);
  }
  return `${lines.join('\n')}\n`;
}
