import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import {
  appPasswordWith,
  buttonNamed,
  confirmPassword,
  reauthenticated,
  reauthenticationRequired,
  refusal,
  settle,
} from '../../test/answers';
import { mountWithApi } from '../../test/mount';
import RotateAppPasswordDialog from './RotateAppPasswordDialog.vue';

enableAutoUnmount(afterEach);

const appPassword = appPasswordWith({
  id: '0b7c3f9e-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
  name: 'Laptop mail',
  createdAt: '2026-12-01T10:00:00Z',
  services: ['imap'],
  networks: [],
});
const rotated = {
  rotateAppPassword: {
    password: 'abcdefghijklmnopqrstuvwxyzab',
    appPassword: { ...appPassword, rotatingUntil: '2026-12-07T10:00:00Z' },
  },
};

describe('RotateAppPasswordDialog', () => {
  it('explains the overlap first; "Cancel" has the focus and rotates nothing', async () => {
    const { wrapper, requests } = mountWithApi(RotateAppPasswordDialog, { props: { appPassword } });
    expect(wrapper.find('h2').text()).toBe('Rotate “Laptop mail”?');
    expect(wrapper.text()).toContain('or for 24 hours, whichever comes first');
    expect(wrapper.find('[data-test="rotating-again"]').exists()).toBe(false);
    expect(buttonNamed(wrapper, 'Cancel').attributes('autofocus')).toBeDefined();
    await buttonNamed(wrapper, 'Cancel').trigger('click');
    expect(wrapper.emitted('close')).toHaveLength(1);
    expect(requests).toHaveLength(0);
  });

  it('rotates, tells the list at once, and shows the new password once in groups of four', async () => {
    const { wrapper, requests } = mountWithApi(RotateAppPasswordDialog, { props: { appPassword } }, [{ data: rotated }]);
    await buttonNamed(wrapper, 'Rotate').trigger('click');
    await settle();
    expect(requests[0]!.query).toContain('rotateAppPassword');
    expect(requests[0]!.variables).toEqual({ id: appPassword.id });
    expect(wrapper.emitted('rotated')).toHaveLength(1);
    expect(wrapper.find('[data-test="password"]').text()).toBe('abcd efgh ijkl mnop qrst uvwx yzab');
    expect(wrapper.find('h2').text()).toBe('New password for “Laptop mail”');
    expect(wrapper.text()).toContain('Copy it now. It will not be shown again.');
    expect(wrapper.text()).toContain('The old one stops working as soon as the app signs in with this one');
  });

  it('already rotating: says the last new password stops; the password again when the sign-in is old', async () => {
    const { wrapper, requests } = mountWithApi(
      RotateAppPasswordDialog,
      { props: { appPassword: { ...appPassword, rotatingUntil: '2026-12-07T09:00:00Z' } } },
      [reauthenticationRequired, reauthenticated, { data: rotated }],
    );
    expect(wrapper.find('[data-test="rotating-again"]').exists()).toBe(true);
    await buttonNamed(wrapper, 'Rotate').trigger('click');
    await settle();
    await confirmPassword(wrapper);
    expect(requests).toHaveLength(3);
    expect(wrapper.emitted('rotated')).toHaveLength(1);
  });

  it('an expired one: the error in words, nothing reported rotated', async () => {
    const { wrapper } = mountWithApi(RotateAppPasswordDialog, { props: { appPassword } }, [refusal('APP_PASSWORD_EXPIRED', 'expired')]);
    await buttonNamed(wrapper, 'Rotate').trigger('click');
    await settle();
    expect(wrapper.find('[role=alert]').text()).toBe('This app password has expired. Create a new one instead.');
    expect(wrapper.emitted('rotated')).toBeUndefined();
  });
});
