import { Client, CombinedError } from '@urql/vue';
import { ErrorCode, isErrorCode } from '@app-passwords/schema';
import { clientOptions } from './first-request';

/** The console's GraphQL client, sending its requests with `fetch`. */
export function createConsoleClient(fetch: typeof globalThis.fetch): Client {
  return new Client({ ...clientOptions, fetch });
}

/** The stable code of a failed operation; the console translates codes, never server messages. */
export function errorCode(error: CombinedError | undefined | null): ErrorCode | undefined {
  if (!error) return undefined;
  const code = error.graphQLErrors[0]?.extensions?.code;
  if (isErrorCode(code)) return code;
  return ErrorCode.INTERNAL_SERVER_ERROR;
}
