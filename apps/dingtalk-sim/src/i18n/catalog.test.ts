import { SIM_CATALOGS } from './catalog';

const placeholders = (text: string) => [...text.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => m[1]).sort();

describe('the simulator catalog', () => {
  it('has every key in both languages, with the same placeholders, and Chinese where English has sentences', () => {
    const { en, 'zh-CN': zh } = SIM_CATALOGS;
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      const chinese = zh[key as keyof typeof zh];
      expect({ key, placeholders: placeholders(chinese) }).toEqual({ key, placeholders: placeholders(text) });
      expect({ key, translated: chinese !== text && /\p{Script=Han}|^English$/u.test(chinese) }).toEqual({ key, translated: true });
    }
  });
});
