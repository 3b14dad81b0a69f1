import ipaddr from 'ipaddr.js';
import { WEBHOOK_URL_MAX_LENGTH } from '@app-passwords/schema';

/** A URL endpoints may have, or why not (a sentence for the admin). */
export type WebhookUrlCheck = { url: URL } | { problem: string };

/**
 * Global unicast only: not private (RFC 1918, unique local), loopback,
 * link-local, carrier-grade NAT, multicast, reserved or unspecified. An
 * IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as IPv4.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

/** localhost, 127.0.0.0/8 or ::1, as a URL writes its host. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return ipaddr.isValid(host) && ipaddr.parse(host).range() === 'loopback';
}

/**
 * What an endpoint's URL must be, before any name is resolved: HTTPS; plain
 * HTTP only to this machine (loopback) and only outside production
 * (`allowLocal`); no user name or password in it (the payload is signed,
 * there is nothing to log in with); no fragment. In production an address
 * written into the URL must be a public one; names are resolved and judged
 * the same way when the endpoint is saved and again at every delivery.
 */
export function checkWebhookUrl(raw: string, allowLocal: boolean): WebhookUrlCheck {
  const text = raw.trim();
  if (text.length === 0 || text.length > WEBHOOK_URL_MAX_LENGTH) {
    return { problem: `A URL is 1 to ${WEBHOOK_URL_MAX_LENGTH} characters.` };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: 'That is not a URL; write it in full, e.g. https://hooks.example.com/app-passwords.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { problem: 'The URL must start with https://.' };
  if (url.username || url.password) return { problem: 'The URL must not contain a user name or password.' };
  if (url.hash) return { problem: 'The URL must not contain a fragment (#…).' };
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === 'http:' && !(allowLocal && loopback)) {
    return {
      problem: allowLocal
        ? 'The URL must start with https:// (http:// only to this machine: localhost, 127.0.0.1 or [::1]).'
        : 'The URL must start with https://.',
    };
  }
  if (!allowLocal) {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (loopback || (ipaddr.isValid(host) && !isPublicAddress(host))) {
      return { problem: 'The URL must point to a public address, not a private, loopback or link-local one.' };
    }
  }
  return { url };
}

/** Why the addresses a name resolved to are refused, or null when they are all public (or local ones are allowed). */
export function checkResolvedAddresses(addresses: readonly string[], allowLocal: boolean): string | null {
  if (addresses.length === 0) return 'The host name does not resolve to any address.';
  if (allowLocal) return null;
  return addresses.every(isPublicAddress)
    ? null
    : 'The host name resolves to a private, loopback or link-local address; only public addresses receive webhooks.';
}
