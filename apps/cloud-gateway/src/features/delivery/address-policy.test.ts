import { addressPolicy } from './address-policy';

const strict = addressPolicy({ allowPrivateNetworks: false });
const optedIn = addressPolicy({ allowPrivateNetworks: true });
const verdict = (address: string) => [
  strict.refusal(address) === undefined ? 'allowed' : 'refused',
  optedIn.refusal(address) === undefined ? 'allowed' : 'refused',
];

describe('webhook address policy', () => {
  it.each([
    // Metadata services: AWS/GCP/Azure, Alibaba Cloud, AWS over IPv6.
    '169.254.169.254',
    '100.100.100.200',
    'fd00:ec2::254',
    // The same IPv4 addresses in every IPv6 spelling.
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '0:0:0:0:0:ffff:a9fe:a9fe',
    '64:ff9b::a9fe:a9fe',
    '64:ff9b::100.100.100.200',
    '64:ff9b:1::a9fe:a9fe',
    '2002:a9fe:a9fe::',
    '::a9fe:a9fe',
    '::ffff:0:a9fe:a9fe',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    // Unspecified, link-local, multicast, broadcast, reserved, documentation.
    '0.0.0.0',
    '::ffff:0.0.0.0',
    '::',
    '169.254.0.1',
    'fe80::1',
    '224.0.0.1',
    'ff02::1',
    '255.255.255.255',
    '240.0.0.1',
    '192.0.2.10',
    '2001:db8::1',
    '100.64.0.1',
  ])('%s is refused, private networks allowed or not', (address) => {
    expect(verdict(address)).toEqual(['refused', 'refused']);
  });

  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.1.1',
    '::1',
    'fc00::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:c0a8:101',
    '64:ff9b::10.0.0.1',
  ])('%s (loopback or private) is allowed only where private networks are', (address) => {
    expect(verdict(address)).toEqual(['refused', 'allowed']);
    expect(strict.refusal(address)).toMatch(/WEBHOOK_ALLOW_PRIVATE_NETWORKS/);
  });

  it.each(['8.8.8.8', '203.0.114.7', '172.32.0.1', '2606:4700::1111', '::ffff:808:808', '64:ff9b::808:808'])('%s (public) is allowed', (address) => {
    expect(verdict(address)).toEqual(['allowed', 'allowed']);
  });

  it('refuses what is not an IP address', () => {
    expect(strict.refusal('store.example.com')).toMatch(/not an IP address/);
  });
});
