import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { flush, mountWithApi } from '../../test/mount';
import AddMethodDialog from './AddMethodDialog.vue';

enableAutoUnmount(afterEach);

const created = {
  data: {
    createAppPassword: {
      password: 'abcdefghijklmnopqrstuvwxyzab',
      appPassword: {
        id: 'a1',
        name: 'Thunderbird',
        createdAt: '2026-11-25T10:00:00Z',
        lastUsedAt: null,
        lastUsedIp: null,
        expiresAt: null,
      },
    },
  },
};

describe('AddMethodDialog', () => {
  it('allowed: offers app passwords, asks for a name, then shows the password once in groups of four', async () => {
    const { wrapper, requests } = mountWithApi(AddMethodDialog, { props: { availableMethods: ['APP_PASSWORD'], count: 3, limit: 40 } }, [
      created,
    ]);
    expect(wrapper.text()).toContain('Which method would you like to add?');
    expect(wrapper.find('input[type=radio][value=APP_PASSWORD]').exists()).toBe(true);

    await wrapper.find('form').trigger('submit');
    await wrapper.find('input[name=name]').setValue('Thunderbird');
    await wrapper.find('form').trigger('submit');
    await flush();
    await flush();

    expect(requests).toHaveLength(1);
    expect(requests[0]!.variables).toEqual({ input: { name: 'Thunderbird' } });
    expect(wrapper.find('[data-test=password]').text()).toBe('abcd efgh ijkl mnop qrst uvwx yzab');
    expect(wrapper.text()).toContain('It will not be shown again.');
    expect(wrapper.emitted('created')).toHaveLength(1);

    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Done')!
      .trigger('click');
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
        { errors: [{ message: 'wrong', extensions: { code: 'BAD_USER_INPUT' } }] },
        { data: { confirmTwoStepEnrollment: { recoveryCodes: codes, signedOutSessions: 0 } } },
      ],
    );
    await wrapper.find('input[value=AUTHENTICATOR_APP]').setValue(true);
    await wrapper.find('form').trigger('submit');
    await flush();
    await flush();
    expect(wrapper.find('[data-test=qr-code] svg').exists()).toBe(true);
    expect(wrapper.find('[data-test=qr-code]').attributes('aria-label')).toBe('QR code for your authenticator app');
    expect(wrapper.find('[data-test=totp-secret]').text()).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');

    await wrapper.find('input[name=code]').setValue('000000');
    await wrapper.find('form').trigger('submit');
    await flush();
    await flush();
    expect(wrapper.find('[role=alert]').text()).toContain('That code is not right');
    expect(wrapper.emitted('twoStepEnabled')).toBeUndefined();

    await wrapper.find('input[name=code]').setValue('123456');
    await wrapper.find('form').trigger('submit');
    await flush();
    await flush();
    expect(requests.map((r) => r.variables)).toEqual([{}, { input: { code: '000000' } }, { input: { code: '123456' } }]);
    expect(wrapper.findAll('[data-test=recovery-codes] li').map((li) => li.text())).toEqual(codes);
    expect(wrapper.text()).toContain('They will not be shown again.');
    expect(wrapper.emitted('twoStepEnabled')).toHaveLength(1);
  });

  it('asks for the password again when the sign-in is not recent, then creates the app password', async () => {
    const { wrapper, requests } = mountWithApi(AddMethodDialog, { props: { availableMethods: ['APP_PASSWORD'], count: 0, limit: 40 } }, [
      { errors: [{ message: 'again', extensions: { code: 'REAUTHENTICATION_REQUIRED' } }] },
      { data: { reauthenticate: { authenticatedAt: '2026-11-30T12:00:00Z' } } },
      created,
    ]);
    await wrapper.find('form').trigger('submit');
    await wrapper.find('input[name=name]').setValue('Thunderbird');
    await wrapper.find('form').trigger('submit');
    await flush();
    await flush();
    expect(wrapper.find('[data-test=reauthenticate]').text()).toContain('enter your password again');

    await wrapper.find('input[name=reauthenticatePassword]').setValue('my password');
    await wrapper.find('form').trigger('submit');
    await flush();
    await flush();
    await flush();
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
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Show my app passwords')!
      .trigger('click');
    expect(wrapper.emitted('showList')).toHaveLength(1);
  });

  it('error: shows the translated message for the code, never the server text', async () => {
    const { wrapper } = mountWithApi(AddMethodDialog, { props: { availableMethods: ['APP_PASSWORD'], count: 0, limit: 40 } }, [
      { errors: [{ message: 'SERVER SIDE TEXT', extensions: { code: 'BAD_USER_INPUT' } }] },
    ]);
    await wrapper.find('form').trigger('submit');
    await wrapper.find('input[name=name]').setValue('x');
    await wrapper.find('form').trigger('submit');
    await flush();
    await flush();
    const alert = wrapper.find('[role=alert]');
    expect(alert.text()).toBe('Check what you entered: a name is 1 to 64 characters, without line breaks.');
    expect(wrapper.text()).not.toContain('SERVER SIDE TEXT');
    expect(wrapper.find('[data-test=password]').exists()).toBe(false);
  });

  describe('services and networks', () => {
    const services = [
      { key: 'imap', nameEn: 'Mail (IMAP)', nameNl: 'E-mail (IMAP)', allowed: true },
      { key: 'smtp', nameEn: 'Sending mail (SMTP)', nameNl: 'E-mail versturen (SMTP)', allowed: true },
      { key: 'caldav', nameEn: 'Calendars (CalDAV)', nameNl: 'Agenda’s (CalDAV)', allowed: true },
    ];
    const open = (props: Record<string, unknown>, answers: Parameters<typeof mountWithApi>[2] = []) =>
      mountWithApi(
        AddMethodDialog,
        { props: { availableMethods: ['APP_PASSWORD'], count: 0, limit: 40, method: 'APP_PASSWORD', ...props } },
        answers,
      );
    const checked = (wrapper: ReturnType<typeof open>['wrapper']) =>
      wrapper
        .findAll('input[name=services]')
        .filter((c) => (c.element as HTMLInputElement).checked)
        .map((c) => c.attributes('value'));

    it('offers every allowed service ticked, sends the ticked keys and the networks typed', async () => {
      const { wrapper, requests } = open({ services }, [created]);
      expect(wrapper.findAll('fieldset.service-checklist label').map((l) => l.text())).toEqual([
        'Mail (IMAP)',
        'Sending mail (SMTP)',
        'Calendars (CalDAV)',
      ]);
      expect(checked(wrapper)).toEqual(['imap', 'smtp', 'caldav']);
      expect(wrapper.find('textarea[name=networks]').attributes('required')).toBeUndefined();

      await wrapper.find('input[name=name]').setValue('Thunderbird');
      await wrapper.find('input[value=caldav]').setValue(false);
      await wrapper.find('textarea[name=networks]').setValue('192.0.2.0/24\n2001:db8::/48, 198.51.100.7');
      await wrapper.find('form').trigger('submit');
      await flush();
      await flush();
      expect(requests.map((r) => r.variables)).toEqual([
        { input: { name: 'Thunderbird', services: ['imap', 'smtp'], networks: ['192.0.2.0/24', '2001:db8::/48', '198.51.100.7'] } },
      ]);
      expect(wrapper.find('[data-test=password]').exists()).toBe(true);
    });

    it('names the services in Dutch when the console speaks Dutch', async () => {
      const { wrapper } = open({ services });
      const { i18n, setLocale } = await import('../../i18n');
      await setLocale('nl');
      await flush();
      expect(wrapper.findAll('fieldset.service-checklist label').map((l) => l.text())).toEqual([
        'E-mail (IMAP)',
        'E-mail versturen (SMTP)',
        'Agenda’s (CalDAV)',
      ]);
      i18n.global.locale.value = 'en';
    });

    it('at least one service: says so at the services and sends nothing', async () => {
      const { wrapper, requests } = open({ services });
      await wrapper.find('input[name=name]').setValue('Printer');
      for (const key of ['imap', 'smtp', 'caldav']) await wrapper.find(`input[value=${key}]`).setValue(false);
      await wrapper.find('form').trigger('submit');
      await flush();
      expect(requests).toHaveLength(0);
      const group = wrapper.find('fieldset');
      expect(group.attributes('aria-invalid')).toBe('true');
      expect(wrapper.find(`#${group.attributes('aria-describedby')}`).text()).toBe('Choose at least one service.');
    });

    it('networks required: says so at the field, and asks for one before sending', async () => {
      const { wrapper, requests } = open({ services, networksRequired: true });
      const area = wrapper.find('textarea[name=networks]');
      expect(area.attributes('required')).toBeDefined();
      expect(wrapper.text()).toContain('Your organisation requires this for new app passwords.');
      await wrapper.find('input[name=name]').setValue('Printer');
      await wrapper.find('form').trigger('submit');
      await flush();
      expect(requests).toHaveLength(0);
      expect(area.attributes('aria-invalid')).toBe('true');
      expect(wrapper.find(`#${area.attributes('aria-describedby')}`).text()).toContain('Enter at least one.');
      expect(document.activeElement).toBe(area.element);
    });

    it("the server's field errors show at that field, never its text", async () => {
      const { wrapper } = open({ services }, [
        { errors: [{ message: 'Network 1 is not a network', extensions: { code: 'BAD_USER_INPUT', field: 'networks' } as never }] },
        { errors: [{ message: '"caldav" is not a service', extensions: { code: 'BAD_USER_INPUT', field: 'services' } as never }] },
      ]);
      await wrapper.find('input[name=name]').setValue('Printer');
      await wrapper.find('textarea[name=networks]').setValue('somewhere');
      await wrapper.find('form').trigger('submit');
      await flush();
      await flush();
      const area = wrapper.find('textarea[name=networks]');
      expect(area.attributes('aria-invalid')).toBe('true');
      expect(wrapper.find(`#${area.attributes('aria-describedby')}`).text()).toBe(
        'Write each network as 192.0.2.0/24, 2001:db8::/48 or a single address, at most 20.',
      );
      expect(wrapper.find('[role=alert]').exists()).toBe(false);

      await area.setValue('');
      await wrapper.find('form').trigger('submit');
      await flush();
      await flush();
      expect(area.attributes('aria-invalid')).toBe('false');
      expect(wrapper.find('fieldset').attributes('aria-invalid')).toBe('true');
      expect(wrapper.text()).toContain('Your organisation no longer allows one of these services.');
      expect(wrapper.text()).not.toContain('is not a');
    });
  });

  describe('expiry', () => {
    const open = (maxLifetimeDays: number | null, answers: Parameters<typeof mountWithApi>[2] = []) =>
      mountWithApi(
        AddMethodDialog,
        { props: { availableMethods: ['APP_PASSWORD'], count: 0, limit: 40, method: 'APP_PASSWORD', maxLifetimeDays } },
        answers,
      );
    const options = (wrapper: ReturnType<typeof open>['wrapper']) =>
      wrapper.findAll('fieldset.expiry label.checkbox').map((l) => [l.text(), (l.find('input').element as HTMLInputElement).checked]);

    it('no maximum: "Never" (chosen), 30, 90, 365 days or a date; "Never" sends no expiry', async () => {
      const { wrapper, requests } = open(null, [created]);
      expect(wrapper.find('fieldset.expiry legend').text()).toBe('When does it stop working?');
      expect(options(wrapper)).toEqual([
        ['Never', true],
        ['30 days', false],
        ['90 days', false],
        ['365 days', false],
        ['On a date', false],
      ]);
      await wrapper.find('input[name=name]').setValue('Printer');
      await wrapper.find('form').trigger('submit');
      await flush();
      await flush();
      expect(requests.map((r) => r.variables)).toEqual([{ input: { name: 'Printer' } }]);
    });

    it('a maximum of 180 days: no "Never", the maximum chosen, no 365; 90 days sends expiresInDays', async () => {
      const { wrapper, requests } = open(180, [created]);
      expect(options(wrapper)).toEqual([
        ['The maximum (180 days)', true],
        ['30 days', false],
        ['90 days', false],
        ['On a date', false],
      ]);
      await wrapper.find('input[name=name]').setValue('Printer');
      await wrapper.find('input[name=expiry][value="90"]').setValue(true);
      await wrapper.find('form').trigger('submit');
      await flush();
      await flush();
      expect(requests.map((r) => r.variables)).toEqual([{ input: { name: 'Printer', expiresInDays: 90 } }]);
    });

    it('on a date: a date input from today to the last day allowed, the end of that day sent, said in the hint', async () => {
      const { wrapper, requests } = open(30, [created]);
      expect(wrapper.find('input[type=date]').exists()).toBe(false);
      await wrapper.find('input[name=name]').setValue('Printer');
      await wrapper.find('input[name=expiry][value=date]').setValue(true);
      const day = wrapper.find('input[type=date]');
      const today = new Date();
      const iso = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
      expect(day.attributes('min')).toBe(iso(today));
      expect(day.attributes('max')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(wrapper.find(`#${day.attributes('aria-describedby')}`).text()).toContain('until the end of that day (midnight, your time)');

      // None chosen: said at the date input, nothing sent.
      await wrapper.find('form').trigger('submit');
      await flush();
      expect(requests).toHaveLength(0);
      expect(day.attributes('aria-invalid')).toBe('true');
      expect(wrapper.find(`#${day.attributes('aria-describedby')}`).text()).toBe('Choose the last day it may be used.');

      const tomorrow = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1);
      await day.setValue(iso(tomorrow));
      await wrapper.find('form').trigger('submit');
      await flush();
      await flush();
      const end = new Date(tomorrow.getFullYear(), tomorrow.getMonth(), tomorrow.getDate(), 23, 59, 59, 999);
      expect(requests.map((r) => r.variables)).toEqual([{ input: { name: 'Printer', expiresAt: end.toISOString() } }]);
    });

    it('speaks Dutch: the choices and the hint', async () => {
      const { wrapper } = open(180);
      const { i18n, setLocale } = await import('../../i18n');
      await setLocale('nl');
      await flush();
      expect(wrapper.find('fieldset.expiry legend').text()).toBe('Wanneer houdt het op te werken?');
      expect(options(wrapper).map(([label]) => label)).toEqual(['Het maximum (180 dagen)', '30 dagen', '90 dagen', 'Op een datum']);
      await wrapper.find('input[name=expiry][value=date]').setValue(true);
      expect(wrapper.find('fieldset.expiry .date small').text()).toMatch(
        /^Het werkt tot het einde van die dag \(middernacht, jouw tijd\)\./,
      );
      i18n.global.locale.value = 'en';
    });

    it('a day in the past is refused before sending, naming the last day allowed', async () => {
      const { wrapper, requests } = open(30);
      await wrapper.find('input[name=name]').setValue('Printer');
      await wrapper.find('input[name=expiry][value=date]').setValue(true);
      await wrapper.find('input[type=date]').setValue('2020-01-01');
      await wrapper.find('form').trigger('submit');
      await flush();
      expect(requests).toHaveLength(0);
      expect(wrapper.find('fieldset.expiry .field-error').text()).toMatch(/^Choose a day from today up to .+\.$/);
    });

    it("the server's expiry errors show at the expiry, never its text", async () => {
      const { wrapper } = open(365, [
        { errors: [{ message: 'SERVER TEXT', extensions: { code: 'BAD_USER_INPUT', field: 'expiresInDays' } as never }] },
        { errors: [{ message: 'SERVER TEXT', extensions: { code: 'BAD_USER_INPUT', field: 'expiresAt' } as never }] },
      ]);
      await wrapper.find('input[name=name]').setValue('Printer');
      await wrapper.find('input[name=expiry][value="90"]').setValue(true);
      await wrapper.find('form').trigger('submit');
      await flush();
      await flush();
      const group = wrapper.find('fieldset.expiry');
      expect(group.attributes('aria-invalid')).toBe('true');
      expect(wrapper.find(`#${group.attributes('aria-describedby')}`).text()).toBe(
        'Your organisation does not allow an app password to last this long. Choose a shorter time.',
      );

      await wrapper.find('input[name=expiry][value=date]').setValue(true);
      const today = new Date();
      await wrapper
        .find('input[type=date]')
        .setValue(`${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`);
      await wrapper.find('form').trigger('submit');
      await flush();
      await flush();
      expect(group.attributes('aria-invalid')).toBe('false');
      expect(wrapper.find('input[type=date]').attributes('aria-invalid')).toBe('true');
      expect(wrapper.text()).not.toContain('SERVER TEXT');
      expect(wrapper.find('[data-test=password]').exists()).toBe(false);
    });
  });
});
