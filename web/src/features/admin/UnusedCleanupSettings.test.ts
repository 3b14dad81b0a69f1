import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { flush, mountWithApi } from '../../test/mount';
import UnusedCleanupSettings from './UnusedCleanupSettings.vue';

enableAutoUnmount(afterEach);

const previewOf = (count: number, owners: number) => ({
  data: { unusedAppPasswordsPreview: { count, owners, firstRevocationOn: '2026-12-13' } },
});
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('UnusedCleanupSettings', () => {
  it('asks for no dry run while off; switched on, counts what the number of days would revoke and when', async () => {
    const { wrapper, requests } = mountWithApi(
      UnusedCleanupSettings,
      { props: { revokeUnused: false, days: 180, expiryReminders: true } },
      [previewOf(3, 2), previewOf(0, 0)],
    );
    await flush();
    expect(requests).toEqual([]);
    expect(wrapper.find('[name=revokeUnusedAfterDays]').exists()).toBe(false);

    await wrapper.setProps({ revokeUnused: true });
    await flush();
    await flush();
    expect(requests.map((r) => r.variables)).toEqual([{ days: 180 }]);
    expect(wrapper.find('[data-test=unused-preview]').text()).toBe(
      'Switched on today: 3 app passwords of 2 users would be revoked on 13 Dec 2026, unless used before then. Their owners are told today.',
    );

    // A value out of range is not counted; a good one is, once the admin stops typing.
    await wrapper.setProps({ days: 12 });
    await wait(350);
    expect(wrapper.find('[data-test=unused-preview]').text()).toBe('');
    await wrapper.setProps({ days: 400 });
    await flush();
    await flush();
    expect(requests.map((r) => r.variables)).toEqual([{ days: 180 }, { days: 400 }]);
    expect(wrapper.find('[data-test=unused-preview]').text()).toBe(
      'Switched on today, nothing would be revoked: no app password has gone unused for 400 days.',
    );
  });

  it('changes the values the page saves', async () => {
    const { wrapper } = mountWithApi(UnusedCleanupSettings, { props: { revokeUnused: false, days: 180, expiryReminders: true } });
    await wrapper.find('[name=expiryReminders]').setValue(false);
    await wrapper.find('[name=revokeUnused]').setValue(true);
    expect(wrapper.emitted('update:expiryReminders')).toEqual([[false]]);
    expect(wrapper.emitted('update:revokeUnused')).toEqual([[true]]);
  });
});
