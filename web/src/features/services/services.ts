import type { ServiceFieldsFragment } from '@app-passwords/schema';

/** A service's name in the console's language (English for anything but Dutch). */
export function serviceName(service: Pick<ServiceFieldsFragment, 'nameEn' | 'nameNl'>, locale: string): string {
  return locale === 'nl' ? service.nameNl : service.nameEn;
}

/**
 * Keys as names, in the order given, joined for reading ("Mail (IMAP), Sending mail (SMTP)").
 * A key the list does not know (a service removed since) shows as itself.
 */
export function serviceNames(keys: readonly string[], services: readonly ServiceFieldsFragment[], locale: string): string {
  return keys
    .map((key) => {
      const service = services.find((s) => s.key === key);
      return service ? serviceName(service, locale) : key;
    })
    .join(', ');
}

/** Whether two lists hold the same keys, whatever their order. */
export function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key) => b.includes(key));
}
