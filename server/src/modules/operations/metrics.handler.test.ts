import { describe, expect, it } from 'vitest';
import { metricsAccess } from './metrics.handler.js';

const TOKEN = 'm3tr1cs-t0ken-for-prometheus-0123456789';

describe('metricsAccess', () => {
  describe('without METRICS_TOKEN', () => {
    it('serves this machine', () => {
      for (const peer of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.8.9.10']) expect(metricsAccess(undefined, {}, peer)).toBe('allowed');
    });

    it('refuses the network, and proxied requests even from a proxy on this machine', () => {
      for (const peer of ['10.0.0.5', '192.0.2.1', '::ffff:192.0.2.1', '2001:db8::1', undefined])
        expect(metricsAccess(undefined, {}, peer)).toBe('forbidden');
      expect(metricsAccess(undefined, { 'x-forwarded-for': '203.0.113.9' }, '127.0.0.1')).toBe('forbidden');
      expect(metricsAccess(undefined, { forwarded: 'for=203.0.113.9' }, '127.0.0.1')).toBe('forbidden');
      expect(metricsAccess(undefined, { 'x-real-ip': '203.0.113.9' }, '::1')).toBe('forbidden');
    });
  });

  describe('with METRICS_TOKEN', () => {
    it('serves whoever sends the token as a Bearer token, from anywhere', () => {
      expect(metricsAccess(TOKEN, { authorization: `Bearer ${TOKEN}` }, '10.0.0.5')).toBe('allowed');
      expect(metricsAccess(TOKEN, { authorization: `bearer  ${TOKEN}` }, '10.0.0.5')).toBe('allowed');
    });

    it('refuses a missing, wrong or differently sent token, also from this machine', () => {
      for (const authorization of [
        undefined,
        '',
        `Bearer ${TOKEN}x`,
        `Bearer ${TOKEN.slice(0, -1)}`,
        'Bearer ',
        TOKEN,
        `Basic ${Buffer.from(`metrics:${TOKEN}`).toString('base64')}`,
        `Bearer ${TOKEN} extra`,
      ]) {
        expect(metricsAccess(TOKEN, authorization === undefined ? {} : { authorization }, '127.0.0.1')).toBe('unauthorized');
      }
    });
  });
});
