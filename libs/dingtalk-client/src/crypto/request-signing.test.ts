import { percentEncode, signTimestamp } from './request-signing';

describe('signTimestamp (§1.2 derived vectors)', () => {
  it('signs timestamp + "\\n" + suiteTicket with the secret', () => {
    expect(signTimestamp('testSecret', 1527130370219, 'TestSuiteTicket')).toEqual({
      signature: 'imGrOGPFN53hUU5AdhPRS0tZAU0kXzcP9k/oH0WmURo=',
      urlEncoded: 'imGrOGPFN53hUU5AdhPRS0tZAU0kXzcP9k%2FoH0WmURo%3D',
    });
  });

  it('signs the timestamp alone when there is no ticket (sns)', () => {
    expect(signTimestamp('testSecret', '1527130370219').signature).toBe('K4OWLNOmlNq/PlSplkUEaqmYPopg3S8v9Rg7X4eNGYM=');
  });
});

describe('percentEncode (Java SDK style)', () => {
  it('escapes + / = and the characters encodeURIComponent leaves alone', () => {
    expect(percentEncode('a+b/c=')).toBe('a%2Bb%2Fc%3D');
    expect(percentEncode("a b*c~d!e'f(g)")).toBe('a%20b%2Ac%7Ed%21e%27f%28g%29');
    expect(percentEncode('AZaz09-_.')).toBe('AZaz09-_.');
  });
});
