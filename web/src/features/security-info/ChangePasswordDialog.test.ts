import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { flush, mountWithApi } from '../../test/mount';
import ChangePasswordDialog from './ChangePasswordDialog.vue';

enableAutoUnmount(afterEach);

async function fill(wrapper: ReturnType<typeof mountWithApi>['wrapper'], current: string, next: string, repeat: string) {
  await wrapper.find('input[name=current-password]').setValue(current);
  await wrapper.find('input[name=new-password]').setValue(next);
  await wrapper.find('input[name=repeat-password]').setValue(repeat);
  await wrapper.find('form').trigger('submit');
  await flush();
  await flush();
}

describe('ChangePasswordDialog', () => {
  it('checks the repeated password before asking the server', async () => {
    const { wrapper, requests } = mountWithApi(ChangePasswordDialog, {});
    await fill(wrapper, 'old password here', 'new password one', 'new password two');
    expect(wrapper.find('[role=alert]').text()).toBe('The two new passwords are not the same.');
    expect(requests).toHaveLength(0);
  });

  it('says the current password is wrong when the server names that field, never its message', async () => {
    const { wrapper } = mountWithApi(ChangePasswordDialog, {}, [
      { errors: [{ message: 'SERVER TEXT', extensions: { code: 'BAD_USER_INPUT', field: 'currentPassword' } as never }] },
    ]);
    await fill(wrapper, 'wrong', 'a brand-new passphrase', 'a brand-new passphrase');
    expect(wrapper.find('[role=alert]').text()).toBe('The current password is incorrect.');
    expect(wrapper.text()).not.toContain('SERVER TEXT');
  });

  it('reports success with how many app passwords the organisation deleted', async () => {
    const { wrapper, requests } = mountWithApi(ChangePasswordDialog, {}, [{ data: { changePassword: { revokedAppPasswords: 3 } } }]);
    await fill(wrapper, 'old password here', 'a brand-new passphrase', 'a brand-new passphrase');
    expect(requests[0]!.variables).toEqual({ input: { currentPassword: 'old password here', newPassword: 'a brand-new passphrase' } });
    expect(wrapper.emitted('changed')).toEqual([[3]]);
  });
});
