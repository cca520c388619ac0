import { AppError } from '@dtg/service-kit';
import { PAGE_TEXT } from '../../shared/page-text';
import { renderLoginError } from './login-error.page';
import { refusalDetail } from './login-failure';

/** The page's text outside the other language's <details> and outside what is marked English (server details, codes). */
const ownText = (html: string) =>
  html
    .replace(/<(style|details)\b[\s\S]*?<\/\1>/g, '')
    .replace(/<(span|ul) lang="en">[\s\S]*?<\/\1>/g, '')
    .replace(/<code>[\s\S]*?<\/code>/g, '')
    .replace(/<[^>]+>/g, ' ');
/** Words Chinese text keeps in Latin letters, as Chinese technical writing does. */
const LOANWORDS = new Set(['Cookie', 'state']);
const englishWords = (html: string) => (ownText(html).match(/[A-Za-z]{3,}/g) ?? []).filter((word) => !LOANWORDS.has(word));

describe('the sign-in error page', () => {
  const otherBrowser = new AppError('bad_request', refusalDetail('other_browser'));

  it('when the reader prefers Chinese, then the page, its refusal and its reference are in Chinese; English is one click away', () => {
    const page = renderLoginError(otherBrowser, 'req_1', 'zh-CN');
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('<h1>钉钉登录失败</h1>');
    expect(page).toContain('<p role="alert">这次登录是在另一个浏览器中发起的（或本浏览器未保留登录 Cookie），无法在此完成。</p>');
    expect(page).toContain('错误 <code>bad_request</code>，请求 <code>req_1</code>');
    expect(englishWords(page)).toEqual([]);
    expect(page).toMatch(
      /<details lang="en"><summary>English<\/summary>\s*<h2>Sign-in with DingTalk failed<\/h2>\s*<p>This sign-in was started in another browser/,
    );
  });

  it('when the reader prefers English, then the page is English with Chinese behind the switch', () => {
    const page = renderLoginError(otherBrowser, 'req_1', 'en');
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('<p role="alert">This sign-in was started in another browser');
    expect(page).toContain('<details lang="zh-CN"><summary>中文</summary>');
  });

  it('when the problem has no words of its own, then its code says what it means, and the server’s English detail and fields follow, marked English', () => {
    const invalid = new AppError('validation_failed', 'Invalid request: query.returnTo.', { fields: [{ path: 'query.returnTo', message: 'Required' }] });
    const page = renderLoginError(invalid, 'req_2', 'zh-CN');
    expect(page).toContain(`<p role="alert">${PAGE_TEXT['zh-CN']['problem.validation_failed']}</p>`);
    expect(page).toContain('<p>详情：<span lang="en">Invalid request: query.returnTo.</span></p>');
    expect(page).toContain('<ul lang="en"><li><code>query.returnTo</code>: Required</li></ul>');
    expect(englishWords(page)).toEqual([]);
  });

  it('escapes what it shows', () => {
    const page = renderLoginError(new AppError('bad_request', '<script>x</script>'), '"><b>', 'en');
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('"><b>');
  });
});

describe('the cloud page catalog', () => {
  it('has every key in both languages with the same placeholders, and Chinese text for each', () => {
    const { en, 'zh-CN': zh } = PAGE_TEXT;
    const placeholders = (text: string) => [...text.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => m[1]).sort();
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      const chinese = zh[key as keyof typeof zh];
      expect({ key, placeholders: placeholders(chinese) }).toEqual({ key, placeholders: placeholders(text) });
      expect({ key, translated: chinese !== text && /\p{Script=Han}|^English$/u.test(chinese) }).toEqual({ key, translated: true });
    }
  });
});
