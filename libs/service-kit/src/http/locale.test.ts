import { fillText, negotiateLocale, parseUiLocale } from './locale';

describe('negotiateLocale', () => {
  it.each([
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['zh-Hant-HK, en;q=0.5', 'zh-CN'],
    ['en-GB,en;q=0.9', 'en'],
    ['fr-FR, zh;q=0.3, en;q=0.2', 'zh-CN'],
    ['en;q=0.4, zh-CN;q=0.6', 'zh-CN'],
    ['en, zh', 'en'],
    ['zh;q=0, en', 'en'],
    ['de-DE', 'en'],
    ['', 'en'],
    [undefined, 'en'],
    ['*', 'en'],
    ['zh;q=abc, en', 'en'],
  ])('when Accept-Language is %p, then the page is in %s', (header, expected) => {
    expect(negotiateLocale(header)).toBe(expected);
  });
});

describe('parseUiLocale', () => {
  it('when the value names a supported language in any case, then that language; otherwise undefined', () => {
    expect(parseUiLocale('zh-cn')).toBe('zh-CN');
    expect(parseUiLocale('en')).toBe('en');
    expect(parseUiLocale('zh')).toBeUndefined();
    expect(parseUiLocale(undefined)).toBeUndefined();
  });
});

describe('fillText', () => {
  it('fills each {placeholder} it is given and leaves the others as written', () => {
    expect(fillText('{name} joined {org} on {date}', { name: 'Li', org: 'Acme' })).toBe('Li joined Acme on {date}');
    expect(fillText('no placeholders')).toBe('no placeholders');
  });
});
