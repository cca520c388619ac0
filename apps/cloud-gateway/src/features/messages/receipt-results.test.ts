import { SendResultSchema } from '@dtg/dingtalk-client';
import { addressedUserids, groupOutcomes, recipientOutcomes } from './receipt-results';

const result = (lists: Partial<Record<string, unknown>>) => SendResultSchema.parse(lists);

describe('recipientOutcomes', () => {
  it('when DingTalk lists each recipient once, then each gets that status, forbidden ones with the flow-control code', () => {
    const outcomes = recipientOutcomes(
      ['a', 'b', 'c', 'd', 'e', 'f'],
      result({
        read_user_id_list: ['a'],
        unread_user_id_list: ['b'],
        failed_user_id_list: ['c'],
        invalid_user_id_list: ['d'],
        forbidden_user_id_list: ['e', 'f'],
        forbidden_list: [{ code: '143106', count: 1, userid: 'e' }],
      }),
    );
    expect(outcomes).toEqual([
      { userid: 'a', status: 'read' },
      { userid: 'b', status: 'unread' },
      { userid: 'c', status: 'failed' },
      { userid: 'd', status: 'invalid' },
      { userid: 'e', status: 'forbidden', reason: '143106' },
      { userid: 'f', status: 'forbidden' },
    ]);
  });

  it('when a recipient is in several lists, then the first of invalid, forbidden, failed, read, unread wins; one in none stays unknown', () => {
    const outcomes = recipientOutcomes(['a', 'b', 'z'], result({ read_user_id_list: ['a', 'b'], unread_user_id_list: ['a'], failed_user_id_list: ['b'] }));
    expect(outcomes).toEqual([
      { userid: 'a', status: 'read' },
      { userid: 'b', status: 'failed' },
      { userid: 'z', status: 'unknown', reason: 'not_in_send_result' },
    ]);
  });

  it('when outcomes are grouped, then each (status, reason) pair is one group', () => {
    const groups = groupOutcomes([
      { userid: 'a', status: 'forbidden', reason: '143105' },
      { userid: 'b', status: 'forbidden', reason: '143106' },
      { userid: 'c', status: 'forbidden', reason: '143105' },
      { userid: 'd', status: 'read' },
    ]);
    expect(groups).toEqual([
      { status: 'forbidden', reason: '143105', userids: ['a', 'c'] },
      { status: 'forbidden', reason: '143106', userids: ['b'] },
      { status: 'read', userids: ['d'] },
    ]);
  });

  it('when asked who a task addressed, then every listed userid counts, whatever its outcome', () => {
    const addressed = addressedUserids(
      result({ read_user_id_list: ['a'], forbidden_list: [{ code: '143105', count: 500, userid: 'b' }], invalid_user_id_list: ['c'] }),
    );
    expect([...addressed].sort()).toEqual(['a', 'b', 'c']);
  });
});
