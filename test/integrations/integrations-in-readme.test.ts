import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { integrationFile } from '../support/proxies.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const INTEGRATIONS = fileURLToPath(new URL('../../integrations/', import.meta.url));

/** The fenced blocks of the README, each as its text between the fences. */
function readmeBlocks(): string[] {
  return [...README.matchAll(/^```[\w-]*\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

/** Every file an operator copies: all of integrations/ but each folder's README. */
const FILES = readdirSync(INTEGRATIONS, { recursive: true, encoding: 'utf8' })
  .filter((file) => statSync(path.join(INTEGRATIONS, file)).isFile() && path.basename(file) !== 'README.md')
  .sort();

describe('the README shows each file of integrations/ as it is', () => {
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

  it.each(FILES)('integrations/%s', (file) => {
    expect(readmeBlocks()).toContainEqual(integrationFile(file));
  });
});
