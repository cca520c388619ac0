import { checkTable } from './check-table';

describe('checkTable', () => {
  it('prints a line per check with its status and, under each failure, the fix', () => {
    const text = checkTable({
      tenantId: 'ten_1',
      mode: 'internal',
      ok: false,
      checks: [
        { check: 'credentials', title: 'App credentials and access token', status: 'pass', detail: 'app token obtained' },
        {
          check: 'members',
          title: 'Member ids: qyapi_get_member',
          status: 'fail',
          detail: 'missing_permission: …',
          fix: 'Grant the permission qyapi_get_member …',
        },
        { check: 'events', title: 'DingTalk events', status: 'skip', detail: 'needs a token' },
      ],
    });
    expect(text.split('\n')).toEqual([
      'Tenant ten_1 (internal): some checks FAILED',
      '',
      'PASS  App credentials and access token  app token obtained',
      'FAIL  Member ids: qyapi_get_member      missing_permission: …',
      '      fix: Grant the permission qyapi_get_member …',
      'SKIP  DingTalk events                   needs a token',
      '',
    ]);
  });
});
