import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { flush, mountWithApi } from '../../test/mount';
import DeleteAllAppPasswordsDialog from './DeleteAllAppPasswordsDialog.vue';

enableAutoUnmount(afterEach);

const button = (wrapper: ReturnType<typeof mountWithApi>['wrapper'], text: string) =>
  wrapper.findAll('button').find((b) => b.text() === text)!;

describe('DeleteAllAppPasswordsDialog', () => {
  it('says how many and that apps stop at once; "Cancel" has the focus and deletes nothing', async () => {
    const { wrapper, requests } = mountWithApi(DeleteAllAppPasswordsDialog, { props: { count: 3 } });
    expect(wrapper.find('h2').text()).toBe('Delete all your app passwords?');
    expect(wrapper.text()).toContain(
      'All 3 of your app passwords will be deleted. Apps and devices that use them stop working at once. This cannot be undone.',
    );
    expect(button(wrapper, 'Cancel').attributes('autofocus')).toBeDefined();
    await button(wrapper, 'Cancel').trigger('click');
    expect(wrapper.emitted('close')).toHaveLength(1);
    expect(requests).toHaveLength(0);
  });

  it('one app password: said in the singular', () => {
    const { wrapper } = mountWithApi(DeleteAllAppPasswordsDialog, { props: { count: 1 } });
    expect(wrapper.text()).toContain('Your 1 app password will be deleted. Apps and devices that use it stop working at once.');
    expect(button(wrapper, 'Yes, delete it').exists()).toBe(true);
  });

  it('yes: deletes them and tells how many the server deleted', async () => {
    const { wrapper, requests } = mountWithApi(DeleteAllAppPasswordsDialog, { props: { count: 3 } }, [
      { data: { deleteAllMyAppPasswords: { deletedCount: 3 } } },
    ]);
    await button(wrapper, 'Yes, delete all 3').trigger('click');
    await flush();
    await flush();
    expect(requests).toHaveLength(1);
    expect(requests[0]!.query).toContain('deleteAllMyAppPasswords');
    expect(wrapper.emitted('deleted')).toEqual([[3]]);
  });

  it('asks for the password again when the sign-in is not recent, then deletes', async () => {
    const { wrapper, requests } = mountWithApi(DeleteAllAppPasswordsDialog, { props: { count: 2 } }, [
      { errors: [{ message: 'again', extensions: { code: 'REAUTHENTICATION_REQUIRED' } }] },
      { data: { reauthenticate: { authenticatedAt: '2026-12-06T10:00:00Z' } } },
      { data: { deleteAllMyAppPasswords: { deletedCount: 2 } } },
    ]);
    await button(wrapper, 'Yes, delete all 2').trigger('click');
    await flush();
    await flush();
    await wrapper.find('input[name=reauthenticatePassword]').setValue('my password');
    await wrapper.find('form').trigger('submit');
    await flush();
    await flush();
    await flush();
    expect(requests).toHaveLength(3);
    expect(wrapper.emitted('deleted')).toEqual([[2]]);
  });

  it('an error is said in words, and nothing is reported deleted', async () => {
    const { wrapper } = mountWithApi(DeleteAllAppPasswordsDialog, { props: { count: 2 } }, [
      { errors: [{ message: 'SERVER TEXT', extensions: { code: 'SERVICE_UNAVAILABLE' } }] },
    ]);
    await button(wrapper, 'Yes, delete all 2').trigger('click');
    await flush();
    await flush();
    expect(wrapper.find('[role=alert]').text()).toBe('The service is busy. Try again in a moment.');
    expect(wrapper.emitted('deleted')).toBeUndefined();
  });
});
