import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { flush, mountWithApi, type Answer } from '../../test/mount';
import ResetTwoStepDialog from './ResetTwoStepDialog.vue';

enableAutoUnmount(afterEach);

const user = {
  id: 'u1',
  email: 'alex@contoso.example',
  displayName: 'Alex Wilber',
  role: 'USER' as const,
  status: 'ACTIVE' as const,
  appPasswordCount: 2,
  lastAppPasswordUse: null,
  twoStepEnabled: true,
  origin: 'LOCAL' as const,
  hasPassword: true,
  mustChangePassword: false,
  lastSignInAt: null,
};
const done: Answer = {
  data: { resetTwoStepVerification: { user: { ...user, twoStepEnabled: false }, revokedAppPasswords: 2, signedOutSessions: 1 } },
};
const refusal = (code: string, extensions: Record<string, unknown> = {}) =>
  ({ errors: [{ message: 'SERVER TEXT', extensions: { code, ...extensions } }] }) as Answer;
const button = (wrapper: ReturnType<typeof mountWithApi>['wrapper'], text: string) =>
  wrapper.findAll('button').find((b) => b.text() === text)!;
const settle = async () => {
  for (let i = 0; i < 4; i++) await flush();
};

describe('ResetTwoStepDialog', () => {
  it('when their app passwords must go too, says how many and asks again; the password again when the sign-in is old', async () => {
    const { wrapper, requests } = mountWithApi(ResetTwoStepDialog, { props: { user } }, [
      refusal('TWO_STEP_NEEDED_BY_APP_PASSWORDS', { appPasswords: 2 }),
      refusal('REAUTHENTICATION_REQUIRED'),
      { data: { reauthenticate: { authenticatedAt: '2026-11-30T12:00:00Z' } } },
      done,
    ]);
    expect(wrapper.text()).toContain('Alex Wilber (alex@contoso.example) loses their authenticator app and recovery codes');

    await button(wrapper, 'Yes, reset').trigger('click');
    await settle();
    expect(wrapper.find('[data-test=app-passwords-go-too]').text()).toContain('their 2 app passwords will be deleted too');
    await button(wrapper, 'Yes, reset and delete 2 app passwords').trigger('click');
    await settle();

    await wrapper.find('input[name=reauthenticatePassword]').setValue('my password');
    await wrapper.find('form').trigger('submit');
    await settle();

    expect(requests.map((r) => r.variables)).toEqual([
      { input: { userId: 'u1', deleteAppPasswords: false } },
      { input: { userId: 'u1', deleteAppPasswords: true } },
      { input: { password: 'my password' } },
      { input: { userId: 'u1', deleteAppPasswords: true } },
    ]);
    expect(wrapper.emitted('reset')).toEqual([[{ ...user, twoStepEnabled: false }]]);
  });

  it('says what to do when the admin has no two-step verification of their own, never the server text', async () => {
    const { wrapper } = mountWithApi(ResetTwoStepDialog, { props: { user } }, [refusal('TWO_STEP_REQUIRED')]);
    await button(wrapper, 'Yes, reset').trigger('click');
    await settle();
    expect(wrapper.find('[role=alert]').text()).toBe('Set up two-step verification for yourself first, on your security-info page.');
    expect(wrapper.text()).not.toContain('SERVER TEXT');
    expect(wrapper.emitted('reset')).toBeUndefined();
  });
});
