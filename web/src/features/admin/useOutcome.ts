import { ref } from 'vue';
import type { OperationResult } from '@urql/vue';
import { useErrorText } from './useErrorText';

/**
 * What the admin's last action on a list came to: the error, or the status
 * line saying what was done (`done`); the list is loaded again either way.
 */
export function useOutcome(refresh: () => unknown) {
  const errorText = useErrorText();
  const error = ref<string>();
  const status = ref<string>();

  async function settle(result: OperationResult, done?: string) {
    error.value = result.error ? errorText(result.error) : undefined;
    if (!result.error && done) status.value = done;
    await refresh();
  }

  return { error, status, settle };
}
