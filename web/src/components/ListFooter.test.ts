import { afterEach, describe, expect, it, vi } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { ref } from 'vue';
import { mountWithApi } from '../test/mount';
import ListFooter from './ListFooter.vue';

enableAutoUnmount(afterEach);

function list(state: { rows?: unknown[]; loaded?: boolean; loading?: boolean; hasMore?: boolean }) {
  return {
    rows: ref(state.rows ?? []),
    loaded: ref(state.loaded ?? true),
    loading: ref(state.loading ?? false),
    hasMore: ref(state.hasMore ?? false),
    loadMore: vi.fn().mockResolvedValue(undefined),
  };
}

describe('ListFooter', () => {
  it('says so when nothing matched', () => {
    const { wrapper } = mountWithApi(ListFooter, { props: { list: list({}), empty: 'No events match.' } });
    expect(wrapper.text()).toBe('No events match.');
  });

  it('says nothing before the first page, only that it is loading', () => {
    const { wrapper } = mountWithApi(ListFooter, { props: { list: list({ loaded: false, loading: true }), empty: 'No events match.' } });
    expect(wrapper.text()).toBe('Loading…');
  });

  it('loads the next page on request, and not twice at once', async () => {
    const more = list({ rows: [1], hasMore: true });
    const { wrapper } = mountWithApi(ListFooter, { props: { list: more, empty: 'None.' } });
    expect(wrapper.text()).toBe('Show more');
    await wrapper.find('button').trigger('click');
    expect(more.loadMore).toHaveBeenCalledTimes(1);
    more.loading.value = true;
    await wrapper.vm.$nextTick();
    expect(wrapper.find('button').attributes('disabled')).toBeDefined();
  });
});
