import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { MAX_APP_PASSWORD_NETWORKS } from '@app-passwords/schema';

/** Why a right app password is refused for this request: what it was asked for, or where from. */
export type ScopeRefusal = 'SERVICE_NOT_ALLOWED' | 'NETWORK_NOT_ALLOWED';

/** What an app password may be used for and from, as the check functions return it. */
export interface AppPasswordScope {
  /** The services it may be used for now: its own that the tenant still allows. */
  services: readonly string[];
  /** Whether that is every service the tenant allows: a check that names no service needs it. */
  everyService: boolean;
  /** The networks (CIDR) it may be used from; empty: anywhere. */
  networks: readonly string[];
}

/** What the operator and the request say about the service. */
export interface ScopeQuestion {
  /** The service the check names (`/auth/basic?service=imap`; `graphql` for Basic on /graphql). */
  service: string | undefined;
  clientIp: string | null;
  /** REQUIRE_SERVICE: a check must name its service. */
  requireService: boolean;
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];
/** Parsed network lists, by their text: the warm path sees the same few lists again and again. */
const parsedNetworks = new Map<string, Range[]>();
const MAX_PARSED_NETWORKS = 10_000;

/**
 * Whether this app password may sign this request in, given where it comes
 * from and which service it names; null when it may. The service first: a
 * check that names none needs an app password for every service (unless
 * the operator requires a service, then never). Then the networks: with
 * none, anywhere; with some, only a client address inside one of them (an
 * unknown address is outside).
 */
export function scopeRefusal(scope: AppPasswordScope, question: ScopeQuestion): ScopeRefusal | null {
  if (question.service === undefined ? question.requireService || !scope.everyService : !scope.services.includes(question.service)) {
    return 'SERVICE_NOT_ALLOWED';
  }
  if (scope.networks.length > 0 && !insideNetworks(scope.networks, question.clientIp)) return 'NETWORK_NOT_ALLOWED';
  return null;
}

function insideNetworks(networks: readonly string[], clientIp: string | null): boolean {
  if (clientIp === null || !ipaddr.isValid(clientIp)) return false;
  const key = networks.join(',');
  let ranges = parsedNetworks.get(key);
  if (!ranges) {
    ranges = networks.map((n) => ipaddr.parseCIDR(n));
    if (parsedNetworks.size >= MAX_PARSED_NETWORKS) parsedNetworks.clear();
    parsedNetworks.set(key, ranges);
  }
  const address = ipaddr.process(clientIp);
  return ranges.some((range) => address.kind() === range[0].kind() && address.match(range));
}

/**
 * Networks as a user or admin types them, checked and written one way: each
 * an IPv4 or IPv6 network in CIDR notation, or a single address (a /32 or
 * /128); host bits are cleared (192.0.2.7/24 is 192.0.2.0/24); duplicates go.
 * At most MAX_APP_PASSWORD_NETWORKS. A problem says which entry (by number: what was typed may be anything).
 */
export function parseNetworks(values: readonly string[]): { networks: string[] } | { problem: string } {
  if (values.length > MAX_APP_PASSWORD_NETWORKS) {
    return { problem: `An app password can be limited to at most ${MAX_APP_PASSWORD_NETWORKS} networks.` };
  }
  const networks: string[] = [];
  for (const [i, raw] of values.entries()) {
    const value = raw.trim();
    const network = value.length <= 60 ? canonicalNetwork(value) : undefined;
    if (network === undefined) {
      return { problem: `Network ${i + 1} is not a network: write it as 192.0.2.0/24, 2001:db8::/48 or a single address.` };
    }
    if (!networks.includes(network)) networks.push(network);
  }
  return { networks };
}

/** Where the tenant requires app passwords to name their networks: the problem with none, or null. */
export function networksRequiredProblem(requireNetworks: boolean, networks: readonly string[]): string | null {
  return requireNetworks && networks.length === 0
    ? 'Your organisation requires app passwords to name the networks they may be used from.'
    : null;
}

/** `address[/bits]` with the host bits cleared, or undefined. node:net is strict about addresses (no "127.1", no octal). */
function canonicalNetwork(value: string): string | undefined {
  const [address = '', bitsText, extra] = value.split('/');
  const kind = isIP(address);
  if (kind === 0 || extra !== undefined) return undefined;
  const most = kind === 4 ? 32 : 128;
  const bits = bitsText === undefined ? most : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!(bits >= 0 && bits <= most)) return undefined;
  const cidr = `${address.includes('%') ? address.slice(0, address.indexOf('%')) : address}/${bits}`;
  const first = kind === 4 ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr);
  return `${first.toString()}/${bits}`;
}
