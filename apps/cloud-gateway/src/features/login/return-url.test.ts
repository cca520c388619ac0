import { withParams } from './return-url';

describe('withParams', () => {
  it('when returnTo has no query, then the params become its query', () => {
    expect(withParams('http://localhost:3000/login/done', { ticket: 'abc' })).toBe('http://localhost:3000/login/done?ticket=abc');
  });

  it('when returnTo has a query and a fragment, then the query is kept verbatim and the fragment stays last', () => {
    expect(withParams('http://app.example/cb?next=%2Fhome&x=a+b#top', { error: 'not_in_org' })).toBe(
      'http://app.example/cb?next=%2Fhome&x=a+b&error=not_in_org#top',
    );
  });

  it('when returnTo ends with ? or &, then no empty parameter is added', () => {
    expect(withParams('http://app.example/cb?', { ticket: 't' })).toBe('http://app.example/cb?ticket=t');
    expect(withParams('http://app.example/cb?a=1&', { ticket: 't' })).toBe('http://app.example/cb?a=1&ticket=t');
  });

  it('when a value has reserved characters, then it is encoded', () => {
    expect(withParams('http://app.example/cb', { ticket: 'a&b=c' })).toBe('http://app.example/cb?ticket=a%26b%3Dc');
  });
});
