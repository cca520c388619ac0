import fc from 'fast-check';
import { escapeLiteral } from 'pg';
import { jsonParam, quoteText } from './sql';

describe('quoteText', () => {
  it("quotes exactly like pg's escapeLiteral", () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom("'", '\\', 'a', 'é', '"', '\n', '$', '1') }), (text) => quoteText(text) === escapeLiteral(text)));
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => quoteText(text) === escapeLiteral(text)));
  });
});

describe('jsonParam', () => {
  it('drops NUL characters but keeps a literal backslash-u0000 text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('\u0000', '\\', 'u', '0', 'x') }), (text) => {
        expect(JSON.parse(jsonParam({ text }))).toEqual({ text: text.replace(/\u0000/g, '') });
      }),
    );
  });
});
