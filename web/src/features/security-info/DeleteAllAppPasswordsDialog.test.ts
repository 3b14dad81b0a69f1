import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { buttonNamed, confirmPassword, reauthenticated, reauthenticationRequired, refusal, settle } from '../../test/answers';
import { mountWithApi } from '../../test/mount';
import DeleteAllAppPasswordsDialog from './DeleteAllAppPasswordsDialog.vue';

enableAutoUnmount(afterEach);

describe('DeleteAllAppPasswordsDialog', () => {
  it('says how many and that apps stop at once; "Cancel" has the focus and deletes nothing', async () => {
    const { wrapper, requests } = mountWithApi(DeleteAllAppPasswordsDialog, { props: { count: 3 } });
    expect(wrapper.find('h2').text()).toBe('Delete all your app passwords?');
    expect(wrapper.text()).toContain(
      'All 3 of your app passwords will be deleted. Apps and devices that use them stop working at once. This cannot be undone.',
    );
    expect(buttonNamed(wrapper, 'Cancel').attributes('autofocus')).toBeDefined();
    await buttonNamed(wrapper, 'Cancel').trigger('click');
    expect(wrapper.emitted('close')).toHaveLength(1);
    expect(requests).toHaveLength(0);
  });

  it('one app password: said in the singular', () => {
    const { wrapper } = mountWithApi(DeleteAllAppPasswordsDialog, { props: { count: 1 } });
    expect(wrapper.text()).toContain('Your 1 app password will be deleted. Apps and devices that use it stop working at once.');
    expect(buttonNamed(wrapper, 'Yes, delete it').exists()).toBe(true);
  });

  it('yes: deletes them and tells how many the server deleted', async () => {
    const { wrapper, requests } = mountWithApi(DeleteAllAppPasswordsDialog, { props: { count: 3 } }, [
      { data: { deleteAllMyAppPasswords: { deletedCount: 3 } } },
    ]);
    await buttonNamed(wrapper, 'Yes, delete all 3').trigger('click');
    await settle();
    expect(requests).toHaveLength(1);
    expect(requests[0]!.query).toContain('deleteAllMyAppPasswords');
    expect(wrapper.emitted('deleted')).toEqual([[3]]);
  });

  it('asks for the password again when the sign-in is not recent, then deletes', async () => {
    const { wrapper, requests } = mountWithApi(DeleteAllAppPasswordsDialog, { props: { count: 2 } }, [
      reauthenticationRequired,
      reauthenticated,
      { data: { deleteAllMyAppPasswords: { deletedCount: 2 } } },
    ]);
    await buttonNamed(wrapper, 'Yes, delete all 2').trigger('click');
    await settle();
    await confirmPassword(wrapper);
    expect(requests).toHaveLength(3);
    expect(wrapper.emitted('deleted')).toEqual([[2]]);
  });

  it('an error is said in words, and nothing is reported deleted', async () => {
    const { wrapper } = mountWithApi(DeleteAllAppPasswordsDialog, { props: { count: 2 } }, [refusal('SERVICE_UNAVAILABLE', 'SERVER TEXT')]);
    await buttonNamed(wrapper, 'Yes, delete all 2').trigger('click');
    await settle();
    expect(wrapper.find('[role=alert]').text()).toBe('The service is busy. Try again in a moment.');
    expect(wrapper.emitted('deleted')).toBeUndefined();
  });
});
