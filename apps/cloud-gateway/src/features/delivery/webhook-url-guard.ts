// A tenant's webhook URL is operator input the cloud will POST to: refuse link-local and cloud
// metadata addresses (the classic SSRF targets). Private ranges and loopback stay allowed — a
// local-store normally lives in a private network, and in development on the same machine.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata', 'instance-data', 'metadata.azure.internal']);

export class UnsafeWebhookUrlError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'UnsafeWebhookUrlError';
  }
}

function isForbiddenAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) {
    const [a, b] = v4.split('.').map(Number);
    return a === 169 && b === 254 /* link-local incl. 169.254.169.254 */ || a === 0 || (a !== undefined && a >= 224);
  }
  const lower = address.toLowerCase();
  return /^fe[89ab]/.test(lower) /* fe80::/10 */ || lower === '::' || lower.startsWith('ff') || lower === 'fd00:ec2::254';
}

/** Throws UnsafeWebhookUrlError; resolves the host so a DNS name cannot hide a forbidden address. */
export async function assertSafeWebhookUrl(raw: string): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeWebhookUrlError('not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UnsafeWebhookUrlError('must be http or https');
  if (url.username || url.password) throw new UnsafeWebhookUrlError('must not carry credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (METADATA_HOSTS.has(host.toLowerCase())) throw new UnsafeWebhookUrlError('points at a metadata service');
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) throw new UnsafeWebhookUrlError(`host ${host} does not resolve`);
  if (addresses.some(isForbiddenAddress)) throw new UnsafeWebhookUrlError('points at a link-local or metadata address');
  return url;
}
