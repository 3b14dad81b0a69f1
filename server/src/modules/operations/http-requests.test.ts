import { describe, expect, it } from 'vitest';
import { HttpRequestCounts, routeOf } from './http-requests.js';

const API = ['/graphql', '/auth', '/export', '/healthz', '/readyz', '/metrics'];

describe('routeOf', () => {
  it('names each endpoint, and everything else the console', () => {
    expect(routeOf('/graphql', API)).toBe('graphql');
    expect(routeOf('/export/sign-ins.csv', API)).toBe('export');
    expect(routeOf('/healthz', API)).toBe('healthz');
    expect(routeOf('/readyz', API)).toBe('readyz');
    expect(routeOf('/metrics', API)).toBe('metrics');
    expect(routeOf('/', API)).toBe('console');
    expect(routeOf('/assets/index-3f2a.js', API)).toBe('console');
    expect(routeOf('/admin/users/5b0d7a5e-0000-4000-8000-000000000000', API)).toBe('console');
  });

  it('puts API paths we do not serve under one label, never their own', () => {
    expect(routeOf('/auth/other', API)).toBe('other');
    expect(routeOf('/metrics/x', API)).toBe('other');
    expect(routeOf('/graphql/anything/at/all', API)).toBe('other');
  });
});

describe('HttpRequestCounts', () => {
  it('counts by route and status class, aborted apart', () => {
    const counts = new HttpRequestCounts();
    counts.add('auth_basic', 204);
    counts.add('auth_basic', 401);
    counts.add('auth_basic', 401);
    counts.add('graphql', 503);
    counts.add('graphql', undefined);
    counts.add('console', 304);
    const nonZero = [...counts.entries()].filter(([, , n]) => n > 0);
    expect(nonZero).toEqual([
      ['graphql', '5xx', 1],
      ['graphql', 'aborted', 1],
      ['auth_basic', '2xx', 1],
      ['auth_basic', '4xx', 2],
      ['console', '3xx', 1],
    ]);
    expect([...counts.entries()]).toHaveLength(8 * 5);
  });
});
