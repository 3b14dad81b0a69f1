import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { mountWithApi } from '../../test/mount';
import DeleteAppPasswordDialog from './DeleteAppPasswordDialog.vue';

enableAutoUnmount(afterEach);

describe('DeleteAppPasswordDialog', () => {
  it('names the app password, says it cannot be undone, and answers yes or no', async () => {
    const { wrapper } = mountWithApi(DeleteAppPasswordDialog, { props: { name: 'Printer', busy: false } });
    expect(wrapper.text()).toContain('“Printer” will stop working at once. This cannot be undone.');
    const [yes, no] = wrapper.findAll('button');
    await yes!.trigger('click');
    await no!.trigger('click');
    expect(wrapper.emitted('yes')).toHaveLength(1);
    expect(wrapper.emitted('no')).toHaveLength(1);
  });

  it('cannot be confirmed twice while the delete is on its way', () => {
    const { wrapper } = mountWithApi(DeleteAppPasswordDialog, { props: { name: 'Printer', busy: true } });
    expect(wrapper.findAll('button')[0]!.attributes('disabled')).toBeDefined();
  });
});
