import { jsapiSignature } from './in-app.api';

describe('the JSAPI signature for dd.config', () => {
  // Expected value computed outside this code: printf '%s' 'jsapi_ticket=…&noncestr=…&timestamp=…&url=…' | sha1sum
  const input = {
    ticket: 'tGOUc5WPrxgWdF0QS1ZHUMjDyMcC3HxWqvjbkkRWfXkAgm9ltGwv1G1LVWjbWPC8',
    nonceStr: 'nonce-8sZ3q',
    timeStamp: '1733472000000',
    url: 'https://app.corp.example/h5/index.html?from=dingtalk',
  };

  it('when signed, then it is the SHA-1 hex of jsapi_ticket, noncestr, timestamp and url in that order', () => {
    expect(jsapiSignature(input)).toBe('647e6d9c03565b46fdd928cebe440069072f508d');
  });

  it('when the URL has a fragment, then the fragment is not signed; any other change changes the signature', () => {
    expect(jsapiSignature({ ...input, url: `${input.url}#/messages` })).toBe('647e6d9c03565b46fdd928cebe440069072f508d');
    expect(jsapiSignature({ ...input, nonceStr: 'nonce-8sZ3r' })).not.toBe('647e6d9c03565b46fdd928cebe440069072f508d');
  });
});
