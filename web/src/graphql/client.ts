import { Client, CombinedError } from '@urql/vue';
import { ErrorCode, isErrorCode } from '@app-passwords/schema';
import { clientOptions, fetchTakingFirstAnswer } from './first-request';

export const client = new Client({ ...clientOptions, fetch: fetchTakingFirstAnswer });

/** The stable code of a failed operation; the console translates codes, never server messages. */
export function errorCode(error: CombinedError | undefined | null): ErrorCode | undefined {
  if (!error) return undefined;
  const code = error.graphQLErrors[0]?.extensions?.code;
  if (isErrorCode(code)) return code;
  return ErrorCode.INTERNAL_SERVER_ERROR;
}
