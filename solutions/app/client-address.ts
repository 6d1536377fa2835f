// The client's address behind reverse proxies (a load balancer, nginx): the socket's peer is then
// the proxy, and the client is in X-Forwarded-For, which each proxy appends its own peer to. Only
// the entries our own proxies wrote can be believed: anything left of them the client typed itself.
// So the client is the right-most address that is not one of our proxies (MDN, "X-Forwarded-For:
// Selecting an IP address"; the same rule as Express's `trust proxy` / proxy-addr). Hand-written:
// proxy-addr is not a dependency of the workbook, and node:net's BlockList does the matching.
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/**
 * Which peers are our proxies. `false`: none, the socket's peer is the client (the default: a
 * client-set X-Forwarded-For is ignored). A number `n`: the last `n` hops are proxies (e.g. 1 for one
 * load balancer). A list: peers with these addresses or in these CIDR ranges ('10.0.0.0/8') are proxies.
 */
export type TrustProxy = false | number | readonly string[];

/** A TRUST_PROXY value that is neither a hop count nor addresses. `code` is `invalid_trust_proxy`. */
export class InvalidTrustProxyError extends Error {
  readonly code = 'invalid_trust_proxy';
}

/**
 * Parses TRUST_PROXY: '' or unset → false, '1' → 1 hop, '10.0.0.1, 10.1.0.0/16' → that list.
 * Throws InvalidTrustProxyError naming the entry that is not an IP address or CIDR range.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = (value ?? '').trim();
  if (text === '' || text === 'false' || text === '0') return false;
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim()).filter(Boolean);
  toBlockList(entries); // throws on a bad entry
  return entries;
}

function toBlockList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address);
    const prefix = bits === undefined ? undefined : Number(bits);
    if (family === 0 || (prefix !== undefined && !(Number.isInteger(prefix) && prefix >= 0 && prefix <= (family === 4 ? 32 : 128)))) {
      throw new InvalidTrustProxyError(`TRUST_PROXY: "${entry}" is not an IP address or CIDR range (e.g. 10.0.0.1 or 10.0.0.0/8), nor a hop count`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, prefix, type);
  }
  return list;
}

/** '::ffff:10.0.0.1' (an IPv4 peer on a dual-stack socket) → '10.0.0.1'. */
const plain = (address: string) => (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address);

/**
 * A function from a request to its client's address under `trust`: the socket's peer, or with
 * proxies trusted, the right-most X-Forwarded-For entry that is not a trusted proxy (the left-most
 * entry if all are). The walk stops before an entry that is not an IP address: a client must not
 * pick its own bucket with a made-up string, so it counts as the last good hop.
 */
export function clientAddressOf(trust: TrustProxy): (req: IncomingMessage) => string {
  const peer = (req: IncomingMessage) => plain(req.socket.remoteAddress ?? 'unknown');
  if (trust === false || trust === 0) return peer;
  const isProxy: (address: string, hop: number) => boolean =
    typeof trust === 'number'
      ? (_address, hop) => hop < trust
      : ((list) => (address: string) => isIP(address) !== 0 && list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6'))(toBlockList(trust));
  return (req) => {
    const header = req.headers['x-forwarded-for'];
    const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((entry) => plain(entry.trim())).filter(Boolean);
    // Nearest first: the socket's peer, then X-Forwarded-For from its right end.
    const hops = [peer(req), ...forwarded.reverse()];
    let hop = 0;
    while (hop < hops.length - 1 && isProxy(hops[hop]!, hop) && isIP(hops[hop + 1]!) !== 0) hop += 1;
    return hops[hop]!;
  };
}
