import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { refusal, services, submit } from '../../test/answers';
import { flush } from '../../test/mount';
import { created, openAtName } from './AddMethodDialog.fixtures';

enableAutoUnmount(afterEach);

describe('AddMethodDialog: services and networks', () => {
  const checked = (wrapper: ReturnType<typeof openAtName>['wrapper']) =>
    wrapper
      .findAll('input[name=services]')
      .filter((c) => (c.element as HTMLInputElement).checked)
      .map((c) => c.attributes('value'));

  it('offers every allowed service ticked, sends the ticked keys and the networks typed', async () => {
    const { wrapper, requests } = openAtName({ services }, [created]);
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
    await submit(wrapper);
    expect(requests.map((r) => r.variables)).toEqual([
      { input: { name: 'Thunderbird', services: ['imap', 'smtp'], networks: ['192.0.2.0/24', '2001:db8::/48', '198.51.100.7'] } },
    ]);
    expect(wrapper.find('[data-test=password]').exists()).toBe(true);
  });

  it('names the services in Dutch when the console speaks Dutch', async () => {
    const { wrapper, languages } = openAtName({ services });
    await languages.setLocale('nl');
    await flush();
    expect(wrapper.findAll('fieldset.service-checklist label').map((l) => l.text())).toEqual([
      'E-mail (IMAP)',
      'E-mail versturen (SMTP)',
      'Agenda’s (CalDAV)',
    ]);
  });

  it('at least one service: says so at the services and sends nothing', async () => {
    const { wrapper, requests } = openAtName({ services });
    await wrapper.find('input[name=name]').setValue('Printer');
    for (const key of ['imap', 'smtp', 'caldav']) await wrapper.find(`input[value=${key}]`).setValue(false);
    await submit(wrapper, 1);
    expect(requests).toHaveLength(0);
    const group = wrapper.find('fieldset');
    expect(group.attributes('aria-invalid')).toBe('true');
    expect(wrapper.find(`#${group.attributes('aria-describedby')}`).text()).toBe('Choose at least one service.');
  });

  it('networks required: says so at the field, and asks for one before sending', async () => {
    const { wrapper, requests } = openAtName({ services, networksRequired: true });
    const area = wrapper.find('textarea[name=networks]');
    expect(area.attributes('required')).toBeDefined();
    expect(wrapper.text()).toContain('Your organisation requires this for new app passwords.');
    await wrapper.find('input[name=name]').setValue('Printer');
    await submit(wrapper, 1);
    expect(requests).toHaveLength(0);
    expect(area.attributes('aria-invalid')).toBe('true');
    expect(wrapper.find(`#${area.attributes('aria-describedby')}`).text()).toContain('Enter at least one.');
    expect(document.activeElement).toBe(area.element);
  });

  it("the server's field errors show at that field, never its text", async () => {
    const { wrapper } = openAtName({ services }, [
      refusal('BAD_USER_INPUT', 'Network 1 is not a network', 'networks'),
      refusal('BAD_USER_INPUT', '"caldav" is not a service', 'services'),
    ]);
    await wrapper.find('input[name=name]').setValue('Printer');
    await wrapper.find('textarea[name=networks]').setValue('somewhere');
    await submit(wrapper);
    const area = wrapper.find('textarea[name=networks]');
    expect(area.attributes('aria-invalid')).toBe('true');
    expect(wrapper.find(`#${area.attributes('aria-describedby')}`).text()).toBe(
      'Write each network as 192.0.2.0/24, 2001:db8::/48 or a single address, at most 20.',
    );
    expect(wrapper.find('[role=alert]').exists()).toBe(false);

    await area.setValue('');
    await submit(wrapper);
    expect(area.attributes('aria-invalid')).toBe('false');
    expect(wrapper.find('fieldset').attributes('aria-invalid')).toBe('true');
    expect(wrapper.text()).toContain('Your organisation no longer allows one of these services.');
    expect(wrapper.text()).not.toContain('is not a');
  });
});
