import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** At most this many X-Forwarded-For entries are read (a longer header is cut, not trusted further). */
const MAX_HOPS = 16;

/** Parses TRUST_PROXY: addresses and CIDR ranges, comma-separated; throws on anything else. */
export function parseTrustedProxies(text: string): BlockList {
  const list = new BlockList();
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const [address = '', bits] = entry.split('/');
    const family = isIP(address);
    if (family === 0) throw new Error(`${entry} is not an IP address or CIDR range`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else {
      const prefix = Number(bits);
      if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) throw new Error(`${entry}: bad prefix length`);
      list.addSubnet(address, prefix, type);
    }
  }
  return list;
}

const plain = (address: string): string => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

function trusted(list: BlockList, address: string): boolean {
  const a = plain(address);
  const family = isIP(a);
  return family !== 0 && list.check(a, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The client's address: the socket's, unless the socket is a trusted proxy; then X-Forwarded-For read
 * from the right, skipping trusted proxies, so a client cannot put an address of its choice first.
 */
export function clientAddressOf(req: Pick<IncomingMessage, 'headers' | 'socket'>, proxies: BlockList | null): string {
  const socket = req.socket.remoteAddress ? plain(req.socket.remoteAddress) : 'unknown';
  if (proxies === null || !trusted(proxies, socket)) return socket;
  const header = req.headers['x-forwarded-for'];
  const text = (Array.isArray(header) ? header.join(',') : (header ?? '')).slice(-2048);
  const hops = text
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '')
    .slice(-MAX_HOPS);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (isIP(plain(hop)) === 0) return socket; // not an address: believe nothing further left
    if (!trusted(proxies, hop)) return plain(hop);
  }
  return plain(hops[0] ?? socket);
}
