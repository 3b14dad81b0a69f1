export interface BasicCredentials {
  signInName: string;
  password: string;
}

/** Longer Authorization headers are refused unread. */
export const MAX_AUTHORIZATION_LENGTH = 4096;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const CONTROL = /[\p{Cc}]/u;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads `Authorization: Basic base64(name:password)` (RFC 7617). The scheme is
 * case-insensitive; the pair splits at the first colon, so a password may
 * contain colons. Anything else (other schemes, bad base64, bytes that are
 * not UTF-8, control characters, an empty name or password) gives undefined:
 * callers answer all of these the same way.
 */
export function parseBasicCredentials(header: string | undefined): BasicCredentials | undefined {
  if (!header || header.length > MAX_AUTHORIZATION_LENGTH) return undefined;
  const match = /^basic[ \t]+([^ \t]+)[ \t]*$/i.exec(header);
  const encoded = match?.[1];
  if (!encoded || encoded.length % 4 !== 0 || !BASE64.test(encoded)) return undefined;
  let decoded: string;
  try {
    decoded = utf8.decode(Buffer.from(encoded, 'base64'));
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) return undefined;
  const signInName = decoded.slice(0, colon).trim();
  const password = decoded.slice(colon + 1);
  if (!signInName || CONTROL.test(signInName) || CONTROL.test(password)) return undefined;
  return { signInName, password };
}

/** True when the header names the Basic scheme at all, well-formed or not. */
export function isBasicScheme(header: string | undefined): boolean {
  return header !== undefined && /^basic(\s|$)/i.test(header);
}
