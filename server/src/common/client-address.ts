import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * One spelling per address, so that logs, last-used and counters compare
 * what is the same address as the same: IPv6 in RFC 5952 form (lower case,
 * longest zero run compressed, no zone), IPv4-mapped IPv6 as plain IPv4.
 * Anything that is not an IP address (a forged header, a Unix socket) is null.
 */
export function canonicalAddress(value: string | undefined | null): string | null {
  if (!value) return null;
  const zoneless = value.includes('%') ? value.slice(0, value.indexOf('%')) : value;
  // node:net is strict (no "127.1", no octal); ipaddr.js then writes the one canonical form.
  if (isIP(zoneless) === 0) return null;
  return ipaddr.process(zoneless).toString();
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
