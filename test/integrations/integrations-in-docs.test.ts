import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const INTEGRATIONS = fileURLToPath(new URL('../../integrations/', import.meta.url));
const PAGES = fileURLToPath(new URL('../../docs/operators/integrations/', import.meta.url));

/** Every file an operator copies: all of integrations/ but each folder's README. */
const FILES = readdirSync(INTEGRATIONS, { recursive: true, encoding: 'utf8' })
  .filter((file) => statSync(path.join(INTEGRATIONS, file)).isFile() && path.basename(file) !== 'README.md')
  .sort();

/** The files a documentation page includes whole (VitePress's `<<< @/../integrations/<file>`), so the page shows them as they are. */
function includedFiles(): string[] {
  return readdirSync(PAGES)
    .filter((page) => page.endsWith('.md'))
    .flatMap((page) =>
      [...readFileSync(path.join(PAGES, page), 'utf8').matchAll(/^<<< @\/\.\.\/integrations\/([^{\s]+)/gm)].map((m) => m[1]!),
    );
}

describe('the documentation shows each file of integrations/ as it is', () => {
  it('knows the files of every integration', () => {
    expect(FILES).toEqual(
      expect.arrayContaining([
        'nginx/app-passwords.conf',
        'caddy/Caddyfile',
        'caddy/files.Caddyfile',
        'traefik/app-passwords.yml',
        'radicale/radicale.conf',
        'radicale/config',
        'dovecot/auth-app-passwords.conf.ext',
        'dovecot/app-passwords-checkpassword',
      ]),
    );
  });

  it.each(FILES)('integrations/%s is included whole by its page', (file) => {
    expect(includedFiles()).toContain(file);
  });

  it('includes no file that does not exist', () => {
    for (const file of includedFiles()) expect(FILES).toContain(file);
  });
});
