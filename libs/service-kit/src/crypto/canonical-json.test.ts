import { canonicalJson, canonicalSha256 } from './canonical-json';

describe('canonical hashing', () => {
  it('when two values differ only in key order, then they hash the same; array order still counts', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalSha256({ x: 1, y: 2 })).toBe(canonicalSha256({ y: 2, x: 1 }));
    expect(canonicalSha256([1, 2])).not.toBe(canonicalSha256([2, 1]));
  });
});
