// The HTTP(S) agents webhook pushes go through. The address policy is checked on the address the
// socket actually connects to, at connect time: a name that resolved to a public address when the
// tenant was saved (or a moment ago, for the URL guard) and resolves to 169.254.169.254 now (DNS
// rebinding) is refused all the same. request-filtering-agent supplies the connect-time hooks (IP
// literals and every address a lookup returns, happy-eyeballs included) and its own check of
// non-unicast ranges; our policy adds what it cannot express (the opt-in for private networks
// without also allowing metadata addresses, IPv4-compatible IPv6).
import dns from 'node:dns';
import { isIP, Socket, type LookupFunction, type TcpNetConnectOpts } from 'node:net';
import type { Duplex } from 'node:stream';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import type { AddressPolicy } from './address-policy';

export class RefusedAddressError extends Error {
  override readonly name = 'RefusedAddressError';
  readonly code = 'ERR_WEBHOOK_ADDRESS_REFUSED';
}

type ConnectionCallback = (error: Error | null, socket: Duplex) => void;

export interface WebhookAgentOptions {
  policy: AddressPolicy;
  allowPrivateNetworks: boolean;
  maxSockets: number;
  /** The resolver (tests stand in for DNS here); dns.lookup by default. */
  lookup?: LookupFunction;
}

/** Wraps a lookup so that every address it hands to the socket passes the policy. */
function guardedLookup(policy: AddressPolicy, lookup: LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, options, (err, address, family) => {
      if (err) return callback(err, address, family);
      const addresses = Array.isArray(address) ? address.map((entry) => entry.address) : [address];
      const refusal = addresses.map((a) => policy.refusal(a)).find((reason) => reason !== undefined);
      if (refusal) return callback(new RefusedAddressError(`${hostname}: ${refusal}`), address, family);
      callback(null, address, family);
    });
  };
}

function refusedSocket(error: Error, callback?: ConnectionCallback): Socket {
  const socket = new Socket();
  if (callback) callback(error, socket);
  else process.nextTick(() => socket.destroy(error));
  return socket;
}

function connect(
  options: WebhookAgentOptions,
  connectionOptions: TcpNetConnectOpts,
  callback: ConnectionCallback | undefined,
  create: (options: TcpNetConnectOpts, callback?: ConnectionCallback) => Duplex,
): Duplex {
  const host = connectionOptions.host;
  // An IP literal is connected to without a lookup: judge it here.
  const refusal = host !== undefined && isIP(host) !== 0 ? options.policy.refusal(host) : undefined;
  if (refusal) return refusedSocket(new RefusedAddressError(refusal), callback);
  const lookup = guardedLookup(options.policy, connectionOptions.lookup ?? options.lookup ?? (dns.lookup as LookupFunction));
  return create({ ...connectionOptions, lookup }, callback);
}

export function webhookAgents(options: WebhookAgentOptions): { httpAgent: RequestFilteringHttpAgent; httpsAgent: RequestFilteringHttpsAgent } {
  const common = { keepAlive: true, maxSockets: options.maxSockets, allowPrivateIPAddress: options.allowPrivateNetworks, allowMetaIPAddress: false };
  class HttpAgent extends RequestFilteringHttpAgent {
    override createConnection(connectionOptions: TcpNetConnectOpts, callback?: ConnectionCallback): Duplex {
      return connect(options, connectionOptions, callback, (o, cb) => super.createConnection(o, cb));
    }
  }
  class HttpsAgent extends RequestFilteringHttpsAgent {
    override createConnection(connectionOptions: TcpNetConnectOpts, callback?: ConnectionCallback): Duplex {
      return connect(options, connectionOptions, callback, (o, cb) => super.createConnection(o, cb));
    }
  }
  return { httpAgent: new HttpAgent(common), httpsAgent: new HttpsAgent(common) };
}
