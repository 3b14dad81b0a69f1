import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { buttonNamed, confirmPassword, reauthenticated, reauthenticationRequired, refusal, submit } from '../../test/answers';
import { mountWithApi } from '../../test/mount';
import { created } from './AddMethodDialog.fixtures';
import AddMethodDialog from './AddMethodDialog.vue';

enableAutoUnmount(afterEach);

describe('AddMethodDialog', () => {
  it('allowed: offers app passwords, asks for a name, then shows the password once in groups of four', async () => {
    const { wrapper, requests } = mountWithApi(AddMethodDialog, { props: { availableMethods: ['APP_PASSWORD'], count: 3, limit: 40 } }, [
      created,
    ]);
    expect(wrapper.text()).toContain('Which method would you like to add?');
    expect(wrapper.find('input[type=radio][value=APP_PASSWORD]').exists()).toBe(true);

    await wrapper.find('form').trigger('submit');
    await wrapper.find('input[name=name]').setValue('Thunderbird');
    await submit(wrapper);

    expect(requests).toHaveLength(1);
    expect(requests[0]!.variables).toEqual({ input: { name: 'Thunderbird' } });
    expect(wrapper.find('[data-test=password]').text()).toBe('abcd efgh ijkl mnop qrst uvwx yzab');
    expect(wrapper.text()).toContain('It will not be shown again.');
    expect(wrapper.emitted('created')).toHaveLength(1);

    await buttonNamed(wrapper, 'Done').trigger('click');
    expect(wrapper.emitted('close')).toHaveLength(1);
  });

  it('disabled by policy: no app-password option, and says the organisation switched it off', () => {
    const { wrapper } = mountWithApi(AddMethodDialog, { props: { availableMethods: [], count: 0, limit: 40, appPasswordsEnabled: false } });
    expect(wrapper.find('[data-test=disabled]').text()).toContain('Your organisation has switched app passwords off');
    expect(wrapper.find('input[type=radio]').exists()).toBe(false);
    expect(wrapper.findAll('button').map((b) => b.text())).toEqual(['Cancel']);
  });

  it('two-step first: offers only the authenticator app and says app passwords need it', () => {
    const { wrapper } = mountWithApi(AddMethodDialog, {
      props: { availableMethods: ['AUTHENTICATOR_APP'], count: 0, limit: 40, appPasswordsRequireTwoStep: true },
    });
    expect(wrapper.find('[data-test=two-step-first]').text()).toBe(
      'Your organisation allows app passwords only with two-step verification. Set up an authenticator app first.',
    );
    expect(wrapper.findAll('input[type=radio]').map((r) => r.attributes('value'))).toEqual(['AUTHENTICATOR_APP']);
  });

  it('authenticator app: shows the QR code and the key, takes a code, then shows ten recovery codes once', async () => {
    const codes = Array.from({ length: 10 }, (_, i) => `abcd-efgh-jk${String(i).padStart(2, '2')}`);
    const { wrapper, requests } = mountWithApi(
      AddMethodDialog,
      { props: { availableMethods: ['AUTHENTICATOR_APP', 'APP_PASSWORD'], count: 0, limit: 40 } },
      [
        {
          data: {
            startTwoStepEnrollment: {
              secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
              otpauthUri: 'otpauth://totp/x',
              qrCodeSvg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><path d="M0 0h1v1H0z"/></svg>',
            },
          },
        },
        refusal('BAD_USER_INPUT', 'wrong'),
        { data: { confirmTwoStepEnrollment: { recoveryCodes: codes, signedOutSessions: 0 } } },
      ],
    );
    await wrapper.find('input[value=AUTHENTICATOR_APP]').setValue(true);
    await submit(wrapper);
    expect(wrapper.find('[data-test=qr-code] svg').exists()).toBe(true);
    expect(wrapper.find('[data-test=qr-code]').attributes('aria-label')).toBe('QR code for your authenticator app');
    expect(wrapper.find('[data-test=totp-secret]').text()).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');

    await wrapper.find('input[name=code]').setValue('000000');
    await submit(wrapper);
    expect(wrapper.find('[role=alert]').text()).toContain('That code is not right');
    expect(wrapper.emitted('twoStepEnabled')).toBeUndefined();

    await wrapper.find('input[name=code]').setValue('123456');
    await submit(wrapper);
    expect(requests.map((r) => r.variables)).toEqual([{}, { input: { code: '000000' } }, { input: { code: '123456' } }]);
    expect(wrapper.findAll('[data-test=recovery-codes] li').map((li) => li.text())).toEqual(codes);
    expect(wrapper.text()).toContain('They will not be shown again.');
    expect(wrapper.emitted('twoStepEnabled')).toHaveLength(1);
  });

  it('asks for the password again when the sign-in is not recent, then creates the app password', async () => {
    const { wrapper, requests } = mountWithApi(AddMethodDialog, { props: { availableMethods: ['APP_PASSWORD'], count: 0, limit: 40 } }, [
      reauthenticationRequired,
      reauthenticated,
      created,
    ]);
    await wrapper.find('form').trigger('submit');
    await wrapper.find('input[name=name]').setValue('Thunderbird');
    await submit(wrapper);
    expect(wrapper.find('[data-test=reauthenticate]').text()).toContain('enter your password again');

    await confirmPassword(wrapper);
    expect(requests.map((r) => r.variables)).toEqual([
      { input: { name: 'Thunderbird' } },
      { input: { password: 'my password' } },
      { input: { name: 'Thunderbird' } },
    ]);
    expect(wrapper.find('[data-test=password]').text()).toBe('abcd efgh ijkl mnop qrst uvwx yzab');
  });

  it('at the limit: says so, asks to delete one first, and leads to the list', async () => {
    const { wrapper } = mountWithApi(AddMethodDialog, { props: { availableMethods: ['APP_PASSWORD'], count: 40, limit: 40 } });
    expect(wrapper.find('[data-test=limit]').text()).toBe(
      'You already have 40 app passwords, the most your organisation allows. Delete one you no longer use first.',
    );
    expect(wrapper.find('input[type=radio]').exists()).toBe(false);
    await buttonNamed(wrapper, 'Show my app passwords').trigger('click');
    expect(wrapper.emitted('showList')).toHaveLength(1);
  });

  it('error: shows the translated message for the code, never the server text', async () => {
    const { wrapper } = mountWithApi(AddMethodDialog, { props: { availableMethods: ['APP_PASSWORD'], count: 0, limit: 40 } }, [
      refusal('BAD_USER_INPUT', 'SERVER SIDE TEXT'),
    ]);
    await wrapper.find('form').trigger('submit');
    await wrapper.find('input[name=name]').setValue('x');
    await submit(wrapper);
    const alert = wrapper.find('[role=alert]');
    expect(alert.text()).toBe('Check what you entered: a name is 1 to 64 characters, without line breaks.');
    expect(wrapper.text()).not.toContain('SERVER SIDE TEXT');
    expect(wrapper.find('[data-test=password]').exists()).toBe(false);
  });
});
