import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Canonical forms of IPv6 addresses seen lately: parsing costs microseconds, and the hot path sees the same few again and again. */
const ipv6Forms = new Map<string, string>();
const MAX_IPV6_FORMS = 10_000;

/**
 * One spelling per address, so that logs, last-used and counters compare
 * what is the same address as the same: IPv6 in RFC 5952 form (lower case,
 * longest zero run compressed, no zone), IPv4-mapped IPv6 as plain IPv4.
 * Anything that is not an IP address (a forged header, a Unix socket) is null.
 * On every request: IPv4 costs one check, IPv6 a map lookup once seen.
 */
export function canonicalAddress(value: string | undefined | null): string | null {
  if (!value) return null;
  // node:net is strict (no "127.1", no octal, no leading zeros): an IPv4 address it accepts has one spelling.
  const kind = isIP(value);
  if (kind === 4) return value;
  if (kind === 0) return null;
  let form = ipv6Forms.get(value);
  if (form === undefined) {
    const zoneless = value.includes('%') ? value.slice(0, value.indexOf('%')) : value;
    form = ipaddr.process(zoneless).toString();
    if (ipv6Forms.size >= MAX_IPV6_FORMS) ipv6Forms.clear();
    ipv6Forms.set(value, form);
  }
  return form;
}

/**
 * The address as throttling counts it: IPv4 as it is, IPv6 per /64, the
 * smallest network one subscriber gets, so that an attacker cannot walk
 * through the 2^64 addresses of their own network for fresh counters.
 * Requests with no address share one counter.
 */
export function throttleAddress(clientIp: string | null): string {
  if (clientIp === null) return 'unknown';
  const address = ipaddr.parse(clientIp);
  if (address.kind() === 'ipv4') return clientIp;
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
}
