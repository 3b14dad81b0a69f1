import { createHmac } from 'node:crypto';

/**
 * The server key (APP_PASSWORD_LOOKUP_KEY) and the keys it replaced
 * (APP_PASSWORD_LOOKUP_KEYS_PREVIOUS). New tags and sealed secrets always use
 * the current key; checks accept any of them, and what is found under an old
 * key is written again under the current one. So a key can be rotated without
 * invalidating anything: keep the old key as a previous key until nothing
 * uses it any more (`pnpm cli keys status`), then drop it.
 */
export class ServerKeys {
  /** Current first. */
  readonly all: readonly Buffer[];

  constructor(
    readonly current: Buffer,
    previous: readonly Buffer[] = [],
  ) {
    this.all = [current, ...previous.filter((key, i) => !key.equals(current) && previous.findIndex((k) => k.equals(key)) === i)];
  }

  /** The current key's id, stored beside each tag it made. */
  get currentId(): string {
    return keyId(this.current);
  }
}

/** A short public name of a key (8 hex digits of an HMAC under it): safe to store and print, useless to guess the key. */
export function keyId(key: Buffer): string {
  return createHmac('sha256', key).update('app-passwords key id').digest('hex').slice(0, 8);
}
