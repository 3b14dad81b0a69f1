import { describe, expect, it } from 'vitest';
import { HttpRequestCounts, routeOf } from './http-requests.js';

describe('routeOf', () => {
  it('names each endpoint, and everything else the console', () => {
    expect(routeOf('/graphql')).toBe('graphql');
    expect(routeOf('/auth/basic')).toBe('auth_basic');
    expect(routeOf('/export/sign-ins.csv')).toBe('export');
    expect(routeOf('/export/audit.csv')).toBe('export');
    expect(routeOf('/healthz')).toBe('healthz');
    expect(routeOf('/readyz')).toBe('readyz');
    expect(routeOf('/metrics')).toBe('metrics');
    expect(routeOf('/scim/v2')).toBe('scim');
    expect(routeOf('/scim/v2/Users/5b0d7a5e-0000-4000-8000-000000000000')).toBe('scim');
    expect(routeOf('/scim/v2/Groups')).toBe('scim');
    expect(routeOf('/')).toBe('console');
    expect(routeOf('/assets/index-3f2a.js')).toBe('console');
    expect(routeOf('/assets/SecurityInfoPage--cD4Ugh-.js')).toBe('console');
    expect(routeOf('/admin/users/5b0d7a5e-0000-4000-8000-000000000000')).toBe('console');
    expect(routeOf('/admin/')).toBe('console');
  });

  it.each([
    '/auth/other',
    '/metrics/x',
    '/graphql/anything/at/all',
    '/GRAPHQL',
    '/graphql/',
    '/Auth/Basic',
    '//auth/basic',
    '/%61uth/basic',
    '/auth/./basic',
    '/export/../graphql',
    '/.env',
    '/assets/.hidden',
    '/%2e%2e/etc/passwd',
    '/assets%2findex.js',
    '/admin//users',
    '/scim',
    '/scim/v1/Users',
    '/SCIM/v2/Users',
  ])('puts %s, which nobody serves, under one label: other', (path) => {
    expect(routeOf(path)).toBe('other');
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
    expect([...counts.entries()]).toHaveLength(9 * 5);
  });
});
