import { useI18n } from 'vue-i18n';
import type { CombinedError } from '@urql/vue';
import { errorCode } from '../../graphql/client';

/**
 * The translated message for a failed admin operation: an admin-specific
 * wording when there is one (e.g. BAD_USER_INPUT on a policy form is not about
 * a name), else the shared one. Never the server's text.
 */
export function useErrorText() {
  const { t, te } = useI18n();
  return (error: CombinedError | undefined | null): string => {
    const code = errorCode(error) ?? 'INTERNAL_SERVER_ERROR';
    return te(`admin.errors.${code}`) ? t(`admin.errors.${code}`) : t(`errors.${code}`);
  };
}
