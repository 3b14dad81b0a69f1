import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { flush, mountWithApi } from '../../test/mount';
import AccountActivity from './AccountActivity.vue';

enableAutoUnmount(afterEach);

const services = [
  { key: 'imap', nameEn: 'Mail (IMAP)', nameNl: 'E-mail (IMAP)', allowed: true },
  { key: 'smtp', nameEn: 'Sending mail (SMTP)', nameNl: 'E-mail versturen (SMTP)', allowed: true },
];
let id = 0;
const event = (actionKind: string, more: object = {}) => ({
  node: {
    id: String(++id),
    occurredAt: '2026-12-01T10:00:00Z',
    actionKind,
    actorKind: 'USER',
    actorEmail: 'me@example.test',
    appPasswordId: 'a1',
    appPasswordName: 'Thunderbird',
    clientIp: null,
    detailsObject: {},
    ...more,
  },
});
const page = (...edges: object[]) => ({
  data: { viewer: { id: 'u1', accountActivity: { edges, pageInfo: { hasNextPage: false, endCursor: null } } } },
});

describe('AccountActivity', () => {
  it('says what happened to each app password, with the detail that matters and who did it', async () => {
    const { wrapper, requests } = mountWithApi(
      AccountActivity,
      { props: { services } },
      [
        page(
          event('APP_PASSWORD_SERVICES_LIMITED', { detailsObject: { before: ['imap', 'smtp', 'caldav'], after: ['imap', 'smtp'] } }),
          event('APP_PASSWORD_USED_FROM_NEW_NETWORK', {
            actorKind: 'SYSTEM',
            actorEmail: null,
            detailsObject: { network: '203.0.113.0/24' },
          }),
          event('APP_PASSWORD_NETWORKS_CHANGED', {
            actorEmail: 'admin@example.test',
            detailsObject: { before: ['192.0.2.0/24'], after: [] },
          }),
          event('APP_PASSWORD_REVOKED', { actorKind: 'API_TOKEN', actorEmail: null, detailsObject: { reason: 'Phone lost' } }),
        ),
      ],
      { email: 'me@example.test' },
    );
    await flush();
    await flush();
    expect(requests[0]!.variables).toEqual({ first: 10, after: null });
    const lines = wrapper.findAll('[data-test=account-event]').map((li) => li.text().replace(/\s+/g, ' '));
    expect(lines[0]).toMatch(
      /^App password limited to fewer services: Thunderbird — now only for Mail \(IMAP\), Sending mail \(SMTP\)1 Dec 2026.* by you$/,
    );
    expect(lines[1]).toMatch(/^App password used from a new network: Thunderbird — from network 203\.0\.113\.0\/24\d.*\d$/);
    expect(lines[2]).toMatch(/— now from anywhere\d.* by admin@example\.test$/);
    expect(lines[3]).toMatch(/— Reason: Phone lost\d.* by an integration \(API token\)$/);
  });

  it('loads again when the page changed something', async () => {
    const { wrapper, requests } = mountWithApi(AccountActivity, { props: { services, changes: 0 } }, [page(), page()]);
    await flush();
    expect(wrapper.text()).toContain('Nothing yet.');
    await wrapper.setProps({ changes: 1 });
    await flush();
    expect(requests).toHaveLength(2);
  });
});
