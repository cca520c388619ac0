import { DEFAULT_RETRY_SCHEDULE_MS, nextStep, parseRetryAfter, type RetryPolicy } from './retry-schedule';
import { addressPolicy } from './address-policy';
import { assertSafeWebhookUrl, UnsafeWebhookUrlError } from './webhook-url-guard';

const policy: RetryPolicy = { scheduleMs: DEFAULT_RETRY_SCHEDULE_MS, jitter: 0.2, retryAfterMinMs: 1000, retryAfterMaxMs: 3_600_000 };

describe('retry schedule', () => {
  it('when attempts fail, then delays follow the schedule within the jitter and end dead after the last step', () => {
    DEFAULT_RETRY_SCHEDULE_MS.forEach((base, i) => {
      expect(nextStep(policy, i + 1, undefined, () => 0)).toEqual({ kind: 'retry', delayMs: Math.round(base * 0.8) });
      expect(nextStep(policy, i + 1, undefined, () => 1)).toEqual({ kind: 'retry', delayMs: Math.round(base * 1.2) });
    });
    expect(nextStep(policy, DEFAULT_RETRY_SCHEDULE_MS.length + 1)).toEqual({ kind: 'dead' });
  });

  it('when the receiver sends Retry-After, then it is honoured within bounds', () => {
    expect(nextStep(policy, 1, 120_000)).toEqual({ kind: 'retry', delayMs: 120_000 });
    expect(nextStep(policy, 1, 0)).toEqual({ kind: 'retry', delayMs: 1000 });
    expect(nextStep(policy, 1, 10 * 3_600_000)).toEqual({ kind: 'retry', delayMs: 3_600_000 });
    expect(parseRetryAfter('30', 0)).toBe(30_000);
    expect(parseRetryAfter(new Date(60_000).toUTCString(), 0)).toBe(60_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });
});

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

  it.each(['http://127.0.0.1:3000/webhooks/cloud', 'http://localhost:3000/webhooks/cloud', 'https://10.1.2.3/hook', 'http://[::ffff:7f00:1]/hook', 'http://[::1]:3000/hook', 'http://2130706433/hook'])(
    'when the URL is %s, then it is allowed only where private networks are',
    async (url) => {
      await expect(assertSafeWebhookUrl(url, optedIn)).resolves.toBeInstanceOf(URL);
      await expect(assertSafeWebhookUrl(url, strict)).rejects.toThrow(/private-network/);
    },
  );

  it('when a name resolves to several addresses and one is refused, then the URL is refused', async () => {
    const resolve = async () => ['203.0.114.7', '169.254.169.254'];
    await expect(assertSafeWebhookUrl('https://store.example.com/hook', optedIn, resolve)).rejects.toThrow(/metadata/);
    await expect(assertSafeWebhookUrl('https://store.example.com/hook', strict, async () => ['203.0.114.7'])).resolves.toBeInstanceOf(URL);
  });
});
