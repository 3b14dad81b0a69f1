import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCodes, ssoFailures } from '@app-passwords/schema';
import { createLanguages, preferredLocale } from './index';
import enBase from './en.json';
import enAdmin from './en.admin.json';
import nlBase from './nl.json';
import nlAdmin from './nl.admin.json';

const en = { ...enBase, ...enAdmin };
const nl = { ...nlBase, ...nlAdmin };

function keys(messages: object, prefix = ''): string[] {
  return Object.entries(messages).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null ? keys(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

function get(messages: object, key: string): unknown {
  return key.split('.').reduce<any>((node, part) => node?.[part], messages);
}

describe('translations', () => {
  it('English and Dutch have exactly the same keys', () => {
    expect(keys(nl).sort()).toEqual(keys(en).sort());
  });

  it('no message is empty, and placeholders match between languages', () => {
    for (const key of keys(en)) {
      const english = String(get(en, key));
      const dutch = String(get(nl, key));
      expect(english.trim(), key).not.toBe('');
      expect(dutch.trim(), key).not.toBe('');
      expect((dutch.match(/\{\w+\}/g) ?? []).sort(), key).toEqual((english.match(/\{\w+\}/g) ?? []).sort());
    }
  });

  it('every single sign-on failure the server can send has a message in both languages', () => {
    for (const failure of ssoFailures) {
      expect(get(en, `sso.errors.${failure}`), failure).toBeTypeOf('string');
      expect(get(nl, `sso.errors.${failure}`), failure).toBeTypeOf('string');
    }
  });

  it('every error code the server can send has a message in both languages', () => {
    for (const code of errorCodes) {
      expect(get(en, `errors.${code}`), code).toBeTypeOf('string');
      expect(get(nl, `errors.${code}`), code).toBeTypeOf('string');
    }
  });

  it('outside the admin console, no page uses an admin message (those load only when an admin page opens)', () => {
    const src = path.join(process.cwd(), 'src'); // vitest runs in web/
    const files = (readdirSync(src, { recursive: true }) as string[]).filter(
      (f) => /\.(vue|ts)$/.test(f) && !f.startsWith('features/admin/') && !f.startsWith('i18n/') && !f.endsWith('.test.ts'),
    );
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      expect(readFileSync(path.join(src, file), 'utf8'), file).not.toMatch(/['"`]admin\./);
    }
  });

  it('an admin page opened on a Dutch page load gets the admin messages in Dutch', async () => {
    const page = createLanguages(); // a fresh page: nothing loaded yet but English
    const starting = page.setLocale(preferredLocale('nl', []));
    await page.loadAdminMessages(); // the router's guard, while Dutch loads
    await starting;
    expect(page.i18n.global.locale.value).toBe('nl');
    expect(page.i18n.global.t('admin.audit.title')).toBe(nlAdmin.admin.audit.title);
  });

  it('starts in the language chosen in this browser, else the first Dutch one the browser prefers, else English', () => {
    expect(preferredLocale('nl', ['en-GB'])).toBe('nl');
    expect(preferredLocale('en', ['nl-NL'])).toBe('en');
    expect(preferredLocale(undefined, ['de-DE', ' nl-BE'])).toBe('nl');
    expect(preferredLocale('fr', ['en-US', 'de'])).toBe('en');
  });

  it("when two switches overlap (the browser's language while the viewer's own loads), the later one stands", async () => {
    const page = createLanguages();
    const browsers = page.setLocale('nl'); // Dutch messages still loading …
    await page.setLocale('en'); // … when the viewer's own choice, English, is adopted
    await browsers;
    expect(page.i18n.global.locale.value).toBe('en');
  });
});
