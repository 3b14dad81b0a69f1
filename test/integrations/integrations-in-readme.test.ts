import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { integrationFile } from '../support/proxies.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The fenced blocks of the README in `language`, each as its text between the fences. */
function readmeBlocks(language: string): string[] {
  return [...README.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((match) => match[1]!);
}

describe('the README shows each file of integrations/ as it is', () => {
  it.each([
    ['nginx/app-passwords.conf', 'nginx'],
    ['caddy/Caddyfile', 'caddyfile'],
    ['caddy/files.Caddyfile', 'caddyfile'],
    ['traefik/app-passwords.yml', 'yaml'],
    ['radicale/radicale.conf', 'nginx'],
    ['radicale/config', 'ini'],
  ])('integrations/%s', (file, language) => {
    expect(readmeBlocks(language)).toContainEqual(integrationFile(file));
  });
});
