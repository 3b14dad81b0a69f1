import { afterEach, describe, expect, it, vi } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { h } from 'vue';
import { flush, mountWithApi } from '../test/mount';
import OneTimeSecret from './OneTimeSecret.vue';

enableAutoUnmount(afterEach);

describe('OneTimeSecret', () => {
  it('shows the secret as given for reading, with the warning, and copies the secret itself', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const { wrapper } = mountWithApi(OneTimeSecret, {
      props: { secret: 'abcdefgh', shown: 'abcd efgh', warning: 'It will not be shown again.' },
      attrs: { 'data-test': 'password' },
      slots: { default: () => h('button', { type: 'button' }, 'Done') },
    });
    expect(wrapper.find('[data-test=password]').text()).toBe('abcd efgh');
    expect(wrapper.find('.warning').text()).toBe('It will not be shown again.');
    const [copy, done] = wrapper.findAll('.actions button');
    expect(done!.text()).toBe('Done');
    expect(copy!.text()).toBe('Copy');

    await copy!.trigger('click');
    await flush();
    expect(writeText).toHaveBeenCalledWith('abcdefgh');
    expect(copy!.text()).toBe('Copied');
    expect(wrapper.find('[aria-live=polite]').text()).toBe('Copied');
  });

  it('wraps a long secret when asked, and can show it another way (slot "shown")', () => {
    const wrapped = mountWithApi(OneTimeSecret, { props: { secret: 'x'.repeat(60), warning: 'Once.', wrap: true } }).wrapper;
    expect(wrapped.find('.secret').classes()).toContain('wrap');
    const listed = mountWithApi(OneTimeSecret, {
      props: { secret: 'one\ntwo\n', warning: 'Once.' },
      slots: { shown: () => h('ol', [h('li', 'one'), h('li', 'two')]) },
    }).wrapper;
    expect(listed.findAll('li').map((li) => li.text())).toEqual(['one', 'two']);
    expect(listed.find('.secret').exists()).toBe(false);
  });
});
