import { useI18n } from 'vue-i18n';
import type { AffectedFieldsFragment } from '@app-passwords/schema';
import { useFormat } from '../../i18n';

/**
 * A sentence (message `key`) naming how many app passwords of how many users
 * a policy change would touch; empty until the preview has come.
 */
export function useAffectedText() {
  const { t } = useI18n();
  const { formatNumber } = useFormat();
  return (key: string, a: AffectedFieldsFragment | undefined): string => {
    if (!a) return '';
    return t(key, {
      appPasswords: t('admin.count.appPasswords', { count: formatNumber(a.appPasswords) }, a.appPasswords),
      users: t('admin.count.users', { count: formatNumber(a.users) }, a.users),
    });
  };
}
