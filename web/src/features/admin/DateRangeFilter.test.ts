import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { mountWithApi } from '../../test/mount';
import DateRangeFilter from './DateRangeFilter.vue';

enableAutoUnmount(afterEach);

describe('DateRangeFilter', () => {
  it('is two labelled date fields, From and To, each its own model', async () => {
    const { wrapper } = mountWithApi(DateRangeFilter, { props: { from: '', to: '2026-03-05' } });
    const [from, to] = wrapper.findAll('label');
    expect(from!.text()).toBe('From');
    expect(to!.text()).toBe('To');
    expect((to!.find('input[type=date][name=to]').element as HTMLInputElement).value).toBe('2026-03-05');

    await from!.find('input[type=date][name=from]').setValue('2026-03-01');
    expect(wrapper.emitted('update:from')).toEqual([['2026-03-01']]);
    expect(wrapper.emitted('update:to')).toBeUndefined();
  });
});
