import { corpIdOf, dispositionOf, eventKey } from './callback-payload';

describe('callback payloads', () => {
  it('when the same event arrives with its keys in another order, then its key is the same; another source or content changes it', () => {
    const a = eventKey('app:ten_1', { EventType: 'user_add_org', UserId: ['u1'], CorpId: 'ding1', TimeStamp: '1' });
    expect(eventKey('app:ten_1', { TimeStamp: '1', CorpId: 'ding1', UserId: ['u1'], EventType: 'user_add_org' })).toBe(a);
    expect(eventKey('app:ten_2', { EventType: 'user_add_org', UserId: ['u1'], CorpId: 'ding1', TimeStamp: '1' })).not.toBe(a);
    expect(eventKey('app:ten_1', { EventType: 'user_add_org', UserId: ['u2'], CorpId: 'ding1', TimeStamp: '1' })).not.toBe(a);
    expect(a).toMatch(/^cbe_[A-Za-z0-9_-]{43}$/);
  });

  it('when classifying, then URL checks are answered only, suite events count only on the suite endpoint', () => {
    expect(dispositionOf('app', 'check_url')).toBe('verify');
    expect(dispositionOf('suite', 'check_create_suite_url')).toBe('verify');
    expect(dispositionOf('app', 'org_dept_modify')).toBe('process');
    expect(dispositionOf('suite', 'user_leave_org')).toBe('process');
    expect(dispositionOf('suite', 'suite_ticket')).toBe('process');
    expect(dispositionOf('app', 'suite_ticket')).toBe('ignore');
    expect(dispositionOf('app', 'bpms_task_change')).toBe('ignore');
  });

  it('when an event names its org in CorpId, AuthCorpId or a SyncHTTP row, then that is its corp', () => {
    expect(corpIdOf({ EventType: 'user_add_org', CorpId: 'ding1' })).toBe('ding1');
    expect(corpIdOf({ EventType: 'suite_relieve', AuthCorpId: 'ding2' })).toBe('ding2');
    expect(corpIdOf({ EventType: 'SYNC_HTTP_PUSH_HIGH', bizData: [{ corp_id: 'ding3' }] })).toBe('ding3');
    expect(corpIdOf({ EventType: 'suite_ticket' })).toBeUndefined();
  });
});
