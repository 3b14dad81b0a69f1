import { cacheExchange, Client, CombinedError, fetchExchange } from '@urql/vue';
import { ErrorCode, isErrorCode } from '@app-passwords/schema';

export const client = new Client({
  url: '/graphql',
  exchanges: [cacheExchange, fetchExchange],
  // Apollo's CSRF prevention refuses simple GET requests; always POST JSON.
  preferGetMethod: false,
  fetchOptions: { credentials: 'same-origin' },
  requestPolicy: 'cache-and-network',
});

/** The stable code of a failed operation; the console translates codes, never server messages. */
export function errorCode(error: CombinedError | undefined | null): ErrorCode | undefined {
  if (!error) return undefined;
  const code = error.graphQLErrors[0]?.extensions?.code;
  if (isErrorCode(code)) return code;
  return ErrorCode.INTERNAL_SERVER_ERROR;
}
