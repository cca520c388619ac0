import { consentPage, expiredPage, pageLocale, refusedPage, signedOutPage, signOutPage } from './oidc-pages';

/** Visible text outside what is marked English (the protocol's error) and outside markup. */
const ownText = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<p lang="en">[\s\S]*?<\/p>/g, '')
    .replace(/<[^>]+>/g, ' ');

const pages = (locale: 'en' | 'zh-CN') => ({
  consent: consentPage(locale, '/oidc/interaction/u1/consent', 'Intranet', ['openid', 'profile', 'dingtalk', 'offline_access']),
  refused: refusedPage(locale, 'invalid_request', 'redirect_uri did not match'),
  expired: expiredPage(locale),
  signOut: signOutPage(locale, '<form id="op.logoutForm" method="post" action="/oidc/session/end/confirm"></form>'),
  signedOut: signedOutPage(locale),
});

describe('the OIDC provider’s pages', () => {
  it('when the reader prefers Chinese, then every page is in Chinese (the app’s name and the protocol’s error code aside)', () => {
    for (const [name, html] of Object.entries(pages('zh-CN'))) {
      expect({ name, lang: /<html lang="([^"]+)">/.exec(html)?.[1] }).toEqual({ name, lang: 'zh-CN' });
      const english = (ownText(html).match(/[A-Za-z]{3,}/g) ?? []).filter((word) => word !== 'Intranet');
      expect({ name, english }).toEqual({ name, english: [] });
    }
    const consent = pages('zh-CN').consent;
    expect(consent).toContain('<h1>允许访问？</h1>');
    expect(consent).toContain('<p>Intranet 请求使用您的钉钉账号为您登录。</p>');
    expect(consent).toContain('<li>您的钉钉用户 ID、所在部门，以及您是否为组织管理员</li>');
    expect(consent).toContain('name="decision" value="allow">允许</button>');
  });

  it('when the reader prefers English, then the pages are English; a scope without words of its own shows its name', () => {
    const { consent, refused } = pages('en');
    expect(consent).toContain('<html lang="en">');
    expect(consent).toContain('<p>Intranet wants to sign you in with your DingTalk account.</p>');
    expect(refused).toContain('<p lang="en"><code>invalid_request</code> redirect_uri did not match</p>');
    expect(consentPage('en', '/x', 'App', ['custom:scope'])).toContain('<li>custom:scope</li>');
  });

  it('takes the console’s language choice over Accept-Language', () => {
    expect(pageLocale('en', 'zh-CN,zh;q=0.9')).toBe('en');
    expect(pageLocale(undefined, 'zh-TW')).toBe('zh-CN');
    expect(pageLocale('fr', 'en-GB')).toBe('en');
  });
});
