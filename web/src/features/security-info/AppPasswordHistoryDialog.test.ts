import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { flush, mountWithApi } from '../../test/mount';
import AppPasswordHistoryDialog from './AppPasswordHistoryDialog.vue';

enableAutoUnmount(afterEach);

const services = [{ key: 'imap', nameEn: 'Mail (IMAP)', nameNl: 'E-mail (IMAP)', allowed: true }];
const entry = (id: string, outcome: string, attempts: number, service: string | null, clientIp: string | null) => ({
  id,
  occurredAt: '2026-12-06T09:00:00Z',
  outcome,
  service,
  clientIp,
  userAgent: 'Thunderbird/128',
  attempts,
});
const history = {
  data: {
    viewer: {
      id: 'u1',
      appPassword: {
        id: 'a1',
        name: 'Thunderbird',
        recentSignIns: [
          entry('3', 'THROTTLED', 1, 'imap', '192.0.2.7'),
          entry('2', 'WRONG_PASSWORD', 4, 'imap', '192.0.2.7'),
          entry('1', 'SUCCESS', 1, null, null),
        ],
        recentAddresses: [{ address: '192.0.2.7', lastSeenAt: '2026-12-06T09:00:00Z', attempts: 6 }],
      },
    },
  },
};

describe('AppPasswordHistoryDialog', () => {
  it('asks for this app password only, and shows its sign-ins in words and its addresses', async () => {
    const { wrapper, requests } = mountWithApi(AppPasswordHistoryDialog, { props: { id: 'a1', name: 'Thunderbird', services } }, [history]);
    expect(wrapper.text()).toContain('Loading…');
    await flush();
    await flush();
    expect(requests.map((r) => r.variables)).toEqual([{ id: 'a1' }]);
    expect(wrapper.find('h2').text()).toBe('History of “Thunderbird”');
    const rows = wrapper.findAll('[data-test=history-sign-in]').map((r) => r.findAll('td').map((td) => td.text()));
    expect(rows.map((r) => r.slice(1))).toEqual([
      ['Throttled', 'Mail (IMAP)', '192.0.2.7 Thunderbird/128'],
      ['Wrong password4 attempts', 'Mail (IMAP)', '192.0.2.7 Thunderbird/128'],
      ['Succeeded', 'None named', 'Unknown Thunderbird/128'],
    ]);
    expect(rows[0]![0]).toMatch(/2026/);
    // Attempts only when more than one, on a line of their own.
    expect(wrapper.findAll('[data-test=attempts]').map((a) => a.text())).toEqual(['4 attempts']);
    const addresses = wrapper.findAll('[data-test=history-address]').map((r) => r.findAll('td').map((td) => td.text()));
    expect(addresses).toEqual([['192.0.2.7', expect.stringMatching(/2026/), '6']]);
    expect(wrapper.findAll('caption').map((c) => c.text())).toEqual(['Last sign-ins', 'Addresses of the last 90 days']);
  });

  it('never used: says so for both lists', async () => {
    const { wrapper } = mountWithApi(AppPasswordHistoryDialog, { props: { id: 'a1', name: 'Printer', services } }, [
      { data: { viewer: { id: 'u1', appPassword: { id: 'a1', name: 'Printer', recentSignIns: [], recentAddresses: [] } } } },
    ]);
    await flush();
    await flush();
    expect(wrapper.text()).toContain('It has not been used yet.');
    expect(wrapper.text()).toContain('None in the last 90 days.');
  });

  it('gone meanwhile: says it no longer exists; Close closes', async () => {
    const { wrapper } = mountWithApi(AppPasswordHistoryDialog, { props: { id: 'a1', name: 'Printer', services } }, [
      { data: { viewer: { id: 'u1', appPassword: null } } },
    ]);
    await flush();
    await flush();
    expect(wrapper.find('[role=alert]').text()).toBe('This app password no longer exists.');
    await wrapper.find('button').trigger('click');
    expect(wrapper.emitted('close')).toHaveLength(1);
  });
});
