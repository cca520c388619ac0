import { addressPolicy } from './address-policy';
import { assertSafeWebhookUrl, UnsafeWebhookUrlError } from './webhook-url-guard';

describe('webhook URL guard', () => {
  const strict = addressPolicy({ allowPrivateNetworks: false });
  const optedIn = addressPolicy({ allowPrivateNetworks: true });

  it.each([
    'http://169.254.169.254/latest/meta-data',
    // The URL parser turns these into hex IPv6 (::ffff:a9fe:a9fe, ::ffff:0:0): still the same IPv4 addresses.
    'http://[::ffff:169.254.169.254]/latest/meta-data',
    'http://[::ffff:0.0.0.0]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[2002:a9fe:a9fe::]/',
    'http://100.100.100.200/latest/meta-data',
    'http://[::a9fe:a9fe]/',
    'http://[fd00:ec2::254]/',
    'http://[fe80::1]/hook',
    'http://metadata.google.internal/',
    'ftp://127.0.0.1/hook',
    'http://user:pw@127.0.0.1/hook',
    'http://0.0.0.0:3000/hook',
    'not a url',
  ])('when the URL is %s, then it is refused even where private networks are allowed', async (url) => {
    await expect(assertSafeWebhookUrl(url, optedIn)).rejects.toThrow(UnsafeWebhookUrlError);
    await expect(assertSafeWebhookUrl(url, strict)).rejects.toThrow(UnsafeWebhookUrlError);
  });

  it.each([
    'http://127.0.0.1:3000/webhooks/cloud',
    'http://localhost:3000/webhooks/cloud',
    'https://10.1.2.3/hook',
    'http://[::ffff:7f00:1]/hook',
    'http://[::1]:3000/hook',
    'http://2130706433/hook',
  ])('when the URL is %s, then it is allowed only where private networks are', async (url) => {
    await expect(assertSafeWebhookUrl(url, optedIn)).resolves.toBeInstanceOf(URL);
    await expect(assertSafeWebhookUrl(url, strict)).rejects.toThrow(/private-network/);
  });

  it('when a name resolves to several addresses and one is refused, then the URL is refused', async () => {
    const resolve = async () => ['203.0.114.7', '169.254.169.254'];
    await expect(assertSafeWebhookUrl('https://store.example.com/hook', optedIn, resolve)).rejects.toThrow(/metadata/);
    await expect(assertSafeWebhookUrl('https://store.example.com/hook', strict, async () => ['203.0.114.7'])).resolves.toBeInstanceOf(URL);
  });
});
