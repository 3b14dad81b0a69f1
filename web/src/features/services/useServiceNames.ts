import { useI18n } from 'vue-i18n';
import type { ServiceFieldsFragment } from '@app-passwords/schema';
import { serviceName, serviceNames } from './services';

/** Service names in the console's current language: one service, or keys looked up in a list. */
export function useServiceNames() {
  const { locale } = useI18n();
  return {
    name: (service: Pick<ServiceFieldsFragment, 'nameEn' | 'nameNl'>) => serviceName(service, locale.value),
    names: (keys: readonly string[], services: readonly ServiceFieldsFragment[]) => serviceNames(keys, services, locale.value),
  };
}
