import { randomUUID } from 'node:crypto';

/** Letters, digits and `._:-`, at most 64: what proxies send (nginx's `$request_id` is 32 hex digits), and safe in any log. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * The id that ties a request's log lines together and is echoed in its
 * `X-Request-Id` response header: the caller's (a proxy's) when it is a short
 * safe token, so both logs line up, otherwise a new random UUID.
 */
export function requestIdOf(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}
