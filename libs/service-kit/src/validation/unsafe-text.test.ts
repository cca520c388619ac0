import { unsafeTextFields } from './unsafe-text';

describe('unsafeTextFields', () => {
  it('when strings hold a lone surrogate or a NUL, then each is named by its path', () => {
    const body = { msg: { msgtype: 'text', text: { content: 'x\ud800y' } }, recipients: { userIds: ['ok', 'nul\u0000inside', 'low\udc00'] } };
    expect(unsafeTextFields(body, 'body')).toEqual([
      { path: 'body.msg.text.content', message: 'must be valid Unicode (it contains an unpaired surrogate)' },
      { path: 'body.recipients.userIds.1', message: 'must not contain a NUL character (U+0000)' },
      { path: 'body.recipients.userIds.2', message: 'must be valid Unicode (it contains an unpaired surrogate)' },
    ]);
  });

  it('when text is valid Unicode (emoji are surrogate pairs), then nothing is reported', () => {
    expect(unsafeTextFields({ a: '😀 中文 \u00e9', b: [1, true, null, { c: '\ud83d\ude00' }] }, 'body')).toEqual([]);
  });

  it('when an object key is bad, then its parent is named', () => {
    expect(unsafeTextFields({ extra: { 'k\u0000': 1 } }, 'body')).toEqual([
      { path: 'body.extra', message: 'has a key that must not contain a NUL character (U+0000)' },
    ]);
  });

  it('when the input is nested very deeply, then it is walked without overflowing the stack', () => {
    let deep: unknown = 'x\ud800';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(unsafeTextFields(deep, 'body')).toHaveLength(1);
  });
});
