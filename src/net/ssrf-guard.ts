import { isIPv4, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;
type Address = IPv4 | IPv6;

export interface HostLiteral {
  /** Canonical text form, as handed to the socket. */
  readonly address: string;
  readonly family: 4 | 6;
}

/**
 * ipaddr.js reads `::a.b.c.d` as the IPv4-*mapped* `::ffff:a.b.c.d`, but the socket layer reads it as
 * the IPv4-*compatible* `::a.b.c.d`. Rewriting the dotted tail as hex groups first makes the address we
 * judge the address we connect to.
 */
function dottedTailToHex(text: string): string | null {
  const cut = text.lastIndexOf(':');
  const tail = text.slice(cut + 1);
  if (!tail.includes('.')) return text;
  if (!isIPv4(tail)) return null;
  const octets = tail.split('.').map(Number);
  const [a = 0, b = 0, c = 0, d = 0] = octets;
  const high = ((a << 8) | b).toString(16);
  const low = ((c << 8) | d).toString(16);
  return `${text.slice(0, cut + 1)}${high}:${low}`;
}

function parseIPv6(text: string): IPv6 | null {
  const hex = dottedTailToHex(text);
  if (hex === null || !ipaddr.IPv6.isValid(hex)) return null;
  return ipaddr.IPv6.parse(hex);
}

/** Parses an address as a resolver or socket would report it; no loose IPv4 forms here. */
function parseStrict(ip: string): Address | null {
  if (isIPv4(ip)) return ipaddr.IPv4.parse(ip);
  if (isIPv6(ip)) return parseIPv6(ip);
  return null;
}

/**
 * Recognises an IP literal in a URL host, in any spelling a parser might leave: brackets, a trailing
 * dot, and the legacy IPv4 forms (`127.1`, `0x7f000001`, `017700000001`, `0177.0.0.1`). WHATWG URL
 * already normalises those, but hosts can reach us from other parsers too. Returns null for a name.
 */
export function parseHostLiteral(host: string): HostLiteral | null {
  let text = host.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    const inner = parseIPv6(text.slice(1, -1));
    return inner ? { address: inner.toString(), family: 6 } : null;
  }
  if (text.includes(':')) {
    const v6 = parseIPv6(text);
    return v6 ? { address: v6.toString(), family: 6 } : null;
  }
  text = text.replace(/\.+$/, '');
  if (text !== '' && ipaddr.IPv4.isValid(text)) {
    return { address: ipaddr.IPv4.parse(text).toString(), family: 4 };
  }
  return null;
}

const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
// Global unicast as IANA allocates it; everything else in IPv6 is special-purpose or unassigned.
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');

function embeddedIPv4(v6: IPv6): IPv4 {
  const [, , , , , , high = 0, low = 0] = v6.parts;
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function isPublicIPv4(v4: IPv4): boolean {
  // ipaddr.js names every special-purpose range (loopback, private, CGNAT, link-local, multicast,
  // broadcast, 0/8, 240/4, benchmarking, documentation, 192.0.0/24, AS112, AMT); only the rest is 'unicast'.
  return v4.range() === 'unicast';
}

function isPublicIPv6(v6: IPv6): boolean {
  if (v6.zoneId !== undefined) return false;
  const range = v6.range();
  if (range === 'ipv4Mapped') return isPublicIPv4(embeddedIPv4(v6));
  // DNS64 resolvers on IPv6-only hosts hand out 64:ff9b::/96 for every IPv4-only site, so refusing the
  // prefix outright would break those deployments; the translator connects to the embedded address,
  // so that is what we judge.
  if (v6.match(NAT64_WELL_KNOWN)) return isPublicIPv4(embeddedIPv4(v6));
  // 6to4 and Teredo are deprecated tunnels whose far end we cannot predict, and IPv4-compatible
  // addresses are obsolete; none of them is needed to fetch an image, so they are refused whole.
  if (v6.match(IPV4_COMPATIBLE)) return false;
  return range === 'unicast' && v6.match(GLOBAL_UNICAST);
}

function inRange(address: Address, range: [Address, number]): boolean {
  const [base, bits] = range;
  if (address.kind() === 'ipv4' && base.kind() === 'ipv4') return (address as IPv4).match(base as IPv4, bits);
  if (address.kind() === 'ipv6' && base.kind() === 'ipv6') return (address as IPv6).match(base as IPv6, bits);
  return false;
}

/**
 * Decides which addresses a server-side fetch may connect to: public unicast only, unless an operator
 * listed the range in `allowCidrs` (SPEC-API A5).
 */
export class AddressPolicy {
  private readonly allowed: ReadonlyArray<[Address, number]>;

  constructor(allowCidrs: readonly string[]) {
    this.allowed = allowCidrs.map((cidr) => {
      try {
        return ipaddr.parseCIDR(cidr.trim());
      } catch (error) {
        throw new Error(`invalid CIDR in URL fetch allow list: ${cidr}`, { cause: error });
      }
    });
  }

  isAllowed(ip: string): boolean {
    const address = parseStrict(ip);
    if (address === null) return false;
    // A mapped address reaches the embedded IPv4 host, so an allow entry for that host must apply to it.
    const candidates: Address[] = [address];
    if (address.kind() === 'ipv6' && (address as IPv6).isIPv4MappedAddress()) {
      candidates.push((address as IPv6).toIPv4Address());
    }
    if (candidates.some((candidate) => this.allowed.some((range) => inRange(candidate, range)))) return true;
    return address.kind() === 'ipv4' ? isPublicIPv4(address as IPv4) : isPublicIPv6(address as IPv6);
  }
}
