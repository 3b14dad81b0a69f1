import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { flush, mountWithApi, type Answer } from '../../test/mount';
import TwoStepSetup from './TwoStepSetup.vue';

enableAutoUnmount(afterEach);

const again: Answer = { errors: [{ message: 'again', extensions: { code: 'REAUTHENTICATION_REQUIRED' } }] };
const reauthenticated: Answer = { data: { reauthenticate: { authenticatedAt: '2026-11-30T12:00:00Z' } } };
const started: Answer = {
  data: {
    startTwoStepEnrollment: {
      secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
      otpauthUri: 'otpauth://totp/x',
      qrCodeSvg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><path d="M0 0h1v1H0z"/></svg>',
    },
  },
};
const codes = Array.from({ length: 10 }, (_, i) => `abcd-efgh-jk${String(i).padStart(2, '2')}`);

const settle = async () => {
  for (let i = 0; i < 4; i++) await flush();
};

describe('TwoStepSetup', () => {
  it('in a session whose sign-in is not recent: the password before the key, again before confirming, then the same code goes through', async () => {
    const { wrapper, requests } = mountWithApi(TwoStepSetup, {}, [
      again,
      reauthenticated,
      started,
      again,
      reauthenticated,
      { data: { confirmTwoStepEnrollment: { recoveryCodes: codes, signedOutSessions: 2 } } },
    ]);
    await settle();
    expect(wrapper.find('[data-test=reauthenticate]').text()).toContain('enter your password again');
    expect(wrapper.find('[data-test=qr-code]').exists()).toBe(false);

    await wrapper.find('input[name=reauthenticatePassword]').setValue('my password');
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(wrapper.find('[data-test=totp-secret]').text()).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');

    await wrapper.find('input[name=code]').setValue('123456');
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(wrapper.find('[data-test=reauthenticate]').exists()).toBe(true);
    await wrapper.find('input[name=reauthenticatePassword]').setValue('my password');
    await wrapper.find('form').trigger('submit');
    await settle();

    expect(requests.map((r) => r.variables)).toEqual([
      {},
      { input: { password: 'my password' } },
      {},
      { input: { code: '123456' } },
      { input: { password: 'my password' } },
      { input: { code: '123456' } },
    ]);
    expect(wrapper.findAll('[data-test=recovery-codes] li')).toHaveLength(10);
    expect(wrapper.find('[role=status]').text()).toBe(
      'Two-step verification is on. Next time you sign in, you will be asked for a code from your app. ' +
        'Your 2 other sessions have been signed out.',
    );
    expect(wrapper.emitted('enabled')).toHaveLength(1);
  });

  it('says nothing about other sessions when there were none', async () => {
    const { wrapper } = mountWithApi(TwoStepSetup, {}, [
      started,
      { data: { confirmTwoStepEnrollment: { recoveryCodes: codes, signedOutSessions: 0 } } },
    ]);
    await settle();
    await wrapper.find('input[name=code]').setValue('123456');
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(wrapper.find('[role=status]').text()).toBe(
      'Two-step verification is on. Next time you sign in, you will be asked for a code from your app.',
    );
  });
});
