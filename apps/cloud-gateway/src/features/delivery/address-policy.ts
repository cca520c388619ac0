// Which addresses the cloud may POST a tenant's webhooks to. A webhook URL is tenant-controlled
// input that the cloud connects to from inside its own network, so the classic SSRF targets are
// never reachable: cloud metadata services (169.254.169.254, Alibaba's 100.100.100.200, AWS's
// fd00:ec2::254), link-local, unspecified, multicast, reserved and documentation ranges — in every
// IPv6 spelling of such an IPv4 address (IPv4-mapped `::ffff:a9fe:a9fe`, NAT64 `64:ff9b::…`, and
// the deprecated IPv4-compatible, SIIT, 6to4 and Teredo forms, refused outright). Loopback and
// private networks (10/8, 172.16/12, 192.168/16, fc00::/7) only where the operator opted in: a
// local store in the cloud's own network (the demo stack, docker compose).
import { BlockList, isIP } from 'node:net';

type Subnet = [address: string, prefix: number];

const NEVER_V4: Subnet[] = [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 reaches the local host
  ['100.64.0.0', 10], // carrier-grade NAT; holds Alibaba Cloud's metadata service, 100.100.100.200
  ['169.254.0.0', 16], // link-local; AWS, GCP, Azure and Oracle metadata services
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
const PRIVATE_V4: Subnet[] = [
  ['127.0.0.0', 8],
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
];
const NEVER_V6: Subnet[] = [
  ['::', 128], // unspecified
  ['fd00:ec2::254', 128], // AWS metadata service over IPv6 (inside fc00::/7, so checked first)
  ['::ffff:0:0:0', 96], // SIIT-translated IPv4
  ['64:ff9b:1::', 48], // local-use NAT64: its embedding is not fixed, so it cannot be judged
  ['100::', 64], // discard-only
  ['2001::', 23], // IETF protocol assignments, Teredo (2001::/32) among them
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: an IPv4 address inside, deprecated
  ['3fff::', 20], // documentation
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];
const PRIVATE_V6: Subnet[] = [
  ['::1', 128],
  ['fc00::', 7], // unique local addresses
];
// IPv4-compatible addresses (::a.b.c.d, deprecated): refused whole, apart from ::1 and :: above.
const IPV4_COMPATIBLE: Subnet = ['::', 96];
// The well-known NAT64 prefix: a DNS64 resolver maps a public IPv4 host to 64:ff9b::a.b.c.d, so
// the embedded address is judged like the IPv4 address itself.
const NAT64 = '64:ff9b::';

function blockList(v4: Subnet[], v6: Subnet[]): BlockList {
  const list = new BlockList();
  for (const [address, prefix] of v4) {
    // Node's BlockList matches IPv4-mapped IPv6 (::ffff:a.b.c.d) against IPv4 rules by itself.
    list.addSubnet(address, prefix, 'ipv4');
    list.addSubnet(`${NAT64}${address}`, 96 + prefix, 'ipv6');
  }
  for (const [address, prefix] of v6) list.addSubnet(address, prefix, 'ipv6');
  return list;
}

const NEVER = blockList(NEVER_V4, NEVER_V6);
const PRIVATE = blockList(PRIVATE_V4, PRIVATE_V6);
const COMPATIBLE = blockList([], [IPV4_COMPATIBLE]);

export interface AddressPolicy {
  /** Why `address` (an IP literal) must not be connected to, or undefined when it may. */
  refusal(address: string): string | undefined;
}

export function addressPolicy(options: { allowPrivateNetworks: boolean }): AddressPolicy {
  return {
    refusal(address) {
      const version = isIP(address);
      if (version === 0) return `${address} is not an IP address`;
      const family = version === 4 ? 'ipv4' : 'ipv6';
      const isPrivate = PRIVATE.check(address, family);
      if (NEVER.check(address, family) || (COMPATIBLE.check(address, family) && !isPrivate)) {
        return `${address} is a link-local, metadata, reserved or special-purpose address`;
      }
      if (isPrivate && !options.allowPrivateNetworks) {
        return `${address} is a loopback or private-network address (allowed only with WEBHOOK_ALLOW_PRIVATE_NETWORKS=true)`;
      }
      return undefined;
    },
  };
}
