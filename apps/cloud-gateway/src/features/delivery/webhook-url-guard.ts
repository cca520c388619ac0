// A tenant's webhook URL is operator input the cloud will POST to: checked when it is saved (a
// clear 400) and again before pushing. The address policy decides (address-policy.ts); the
// connect-time check in webhook-agent.ts is what holds against a name that resolves differently
// later (DNS rebinding).
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { AddressPolicy } from './address-policy';

const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata', 'instance-data', 'metadata.azure.internal']);

export class UnsafeWebhookUrlError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'UnsafeWebhookUrlError';
  }
}

export type Resolve = (host: string) => Promise<string[]>;

const resolveAll: Resolve = async (host) => (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);

/** Throws UnsafeWebhookUrlError; resolves the host so a DNS name cannot hide a refused address. */
export async function assertSafeWebhookUrl(raw: string, policy: AddressPolicy, resolve: Resolve = resolveAll): Promise<URL> {
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
  const addresses = isIP(host) ? [host] : await resolve(host);
  if (addresses.length === 0) throw new UnsafeWebhookUrlError(`host ${host} does not resolve`);
  const refusal = addresses.map((address) => policy.refusal(address)).find((reason) => reason !== undefined);
  if (refusal) throw new UnsafeWebhookUrlError(`points at ${refusal}`);
  return url;
}
