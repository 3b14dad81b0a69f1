import { MAX_SERVICES_PER_TENANT, SERVICE_KEY_PATTERN, SERVICE_NAME_MAX_LENGTH } from '@app-passwords/schema';

/** Something an app signs in to with an app password (IMAP, CalDAV …), as a tenant names it. */
export interface ServiceDefinition {
  /** What checks name (`/auth/basic?service=imap`): lower case, 1–32 characters. */
  key: string;
  nameEn: string;
  nameNl: string;
}

const SERVICE_KEY = new RegExp(SERVICE_KEY_PATTERN);

type Parsed<T> = T | { problem: string; field: string };

export function isProblem<T extends object>(value: Parsed<T>): value is { problem: string; field: string } {
  return 'problem' in value;
}

/** A key as typed: trimmed and lower-cased, then held to SERVICE_KEY_PATTERN. */
export function parseServiceKey(raw: string, field = 'key'): Parsed<{ key: string }> {
  const key = raw.trim().toLowerCase();
  if (!SERVICE_KEY.test(key)) {
    return {
      problem: 'A service key is 1–32 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit.',
      field,
    };
  }
  return { key };
}

/** A display name: trimmed, 1–SERVICE_NAME_MAX_LENGTH characters, no control characters. */
export function parseServiceName(raw: string, field: string): Parsed<{ name: string }> {
  const name = raw.normalize('NFC').trim();
  if (name.length < 1 || name.length > SERVICE_NAME_MAX_LENGTH || /\p{Cc}/u.test(name)) {
    return { problem: `A service name is 1–${SERVICE_NAME_MAX_LENGTH} characters, without control characters.`, field };
  }
  return { name };
}

/** A new service for the tenant's list; the key must be new. */
export function addService(catalog: readonly ServiceDefinition[], service: ServiceDefinition): Parsed<{ catalog: ServiceDefinition[] }> {
  if (catalog.some((s) => s.key === service.key)) return { problem: `The tenant already has a service "${service.key}".`, field: 'key' };
  if (catalog.length >= MAX_SERVICES_PER_TENANT) {
    return { problem: `A tenant has at most ${MAX_SERVICES_PER_TENANT} services.`, field: 'key' };
  }
  return { catalog: [...catalog, service] };
}

/**
 * Keys as a user, admin or integrator gives them, checked against what the
 * tenant has and allows: each must be one of `allowed`, at least one, each
 * once, in the tenant's order. Unknown keys and keys the tenant does not
 * allow are refused by name (they are keys, not free text).
 */
export function chooseServices(requested: readonly string[], allowed: readonly string[], field: string): Parsed<{ services: string[] }> {
  const wanted = new Set<string>();
  for (const raw of requested) {
    const parsed = parseServiceKey(raw, field);
    if (isProblem(parsed)) return parsed;
    if (!allowed.includes(parsed.key)) {
      return { problem: `"${parsed.key}" is not a service app passwords may be used for here.`, field };
    }
    wanted.add(parsed.key);
  }
  if (wanted.size === 0) return { problem: 'Choose at least one service.', field };
  return { services: allowed.filter((key) => wanted.has(key)) };
}

/**
 * A narrower set for an app password: only services it has now. Widening
 * is creating a new app password (its secret was shown for what it could
 * do then).
 */
export function narrowServices(requested: readonly string[], current: readonly string[], field: string): Parsed<{ services: string[] }> {
  const chosen = chooseServices(requested, current, field);
  if (isProblem(chosen) && requested.some((raw) => !current.includes(raw.trim().toLowerCase()))) {
    return { problem: 'An app password can only be limited to services it already has; for more, create a new one.', field };
  }
  return chosen;
}

/**
 * The services an app password was used for lately, when that is fewer than
 * it may be used for and it has been around long enough to tell (30 days):
 * the set to limit it to. Otherwise null (nothing to suggest; an unused one
 * is for clean-up, not narrowing).
 */
export function suggestedServices(
  appPassword: { createdAt: Date; services: readonly string[]; usedServices: readonly string[] },
  now = new Date(),
) {
  const oldEnough = appPassword.createdAt.getTime() <= now.getTime() - USAGE_WINDOW_DAYS * 24 * 3600 * 1000;
  const used = appPassword.services.filter((s) => appPassword.usedServices.includes(s));
  return oldEnough && used.length > 0 && used.length < appPassword.services.length ? used : null;
}

/** How far back "used for" looks. */
export const USAGE_WINDOW_DAYS = 30;
