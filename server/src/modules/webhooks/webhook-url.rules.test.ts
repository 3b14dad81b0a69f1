import { describe, expect, it } from 'vitest';
import { checkResolvedAddresses, checkWebhookUrl, isLoopbackHost, isPublicAddress } from './webhook-url.rules.js';

const problemOf = (url: string, allowLocal: boolean) => {
  const checked = checkWebhookUrl(url, allowLocal);
  return 'problem' in checked ? checked.problem : null;
};

describe('webhook URLs', () => {
  it.each([
    ['https://hooks.example.com/app-passwords', true],
    ['https://hooks.example.com:8443/x?tenant=1', true],
    ['https://93.184.215.14/hook', true],
    ['https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hook', true],
    ['http://hooks.example.com/x', false],
    ['https://10.0.0.5/x', false],
    ['https://192.168.1.10/x', false],
    ['https://172.16.0.1/x', false],
    ['https://127.0.0.1/x', false],
    ['https://localhost/x', false],
    ['https://169.254.169.254/latest/meta-data', false],
    ['https://100.64.0.1/x', false],
    ['https://[::1]/x', false],
    ['https://[fd00::1]/x', false],
    ['https://[fe80::1]/x', false],
    ['https://[::ffff:10.0.0.1]/x', false],
    ['https://0.0.0.0/x', false],
  ])('in production, %s is %s', (url, accepted) => {
    expect(problemOf(url, false) === null).toBe(accepted);
  });

  it.each([
    ['http://127.0.0.1:8080/hooks', true],
    ['http://localhost:8080/hooks', true],
    ['http://[::1]:8080/hooks', true],
    ['https://10.0.0.5/x', true],
    ['http://10.0.0.5/x', false],
    ['http://hooks.example.com/x', false],
  ])('outside production, %s is %s', (url, accepted) => {
    expect(problemOf(url, true) === null).toBe(accepted);
  });

  it.each(['', ' ', 'hooks.example.com', 'ftp://hooks.example.com/', 'https://a:b@hooks.example.com/', 'https://hooks.example.com/#x'])(
    'refuses %j anywhere',
    (url) => {
      expect(problemOf(url, true)).not.toBeNull();
      expect(problemOf(url, false)).not.toBeNull();
    },
  );

  it('refuses a URL over 2000 characters', () => {
    expect(problemOf(`https://hooks.example.com/${'x'.repeat(1980)}`, false)).not.toBeNull();
  });

  it('judges what a name resolves to: every address must be public in production', () => {
    expect(checkResolvedAddresses(['93.184.215.14'], false)).toBeNull();
    expect(checkResolvedAddresses(['93.184.215.14', '10.1.2.3'], false)).toMatch(/private/);
    expect(checkResolvedAddresses(['127.0.0.1'], true)).toBeNull();
    expect(checkResolvedAddresses([], true)).toMatch(/does not resolve/);
  });

  it('knows loopback and public addresses', () => {
    expect(isLoopbackHost('127.8.9.10')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('api.localhost')).toBe(true);
    expect(isLoopbackHost('example.com')).toBe(false);
    expect(isPublicAddress('8.8.8.8')).toBe(true);
    expect(isPublicAddress('not an address')).toBe(false);
  });
});
