import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { refusal, submit } from '../../test/answers';
import { flush, type Answer } from '../../test/mount';
import { created, openAtName } from './AddMethodDialog.fixtures';

enableAutoUnmount(afterEach);

describe('AddMethodDialog: expiry', () => {
  const open = (maxLifetimeDays: number | null, answers: Answer[] = []) => openAtName({ maxLifetimeDays }, answers);
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
    await submit(wrapper);
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
    await submit(wrapper);
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
    await submit(wrapper, 1);
    expect(requests).toHaveLength(0);
    expect(day.attributes('aria-invalid')).toBe('true');
    expect(wrapper.find(`#${day.attributes('aria-describedby')}`).text()).toBe('Choose the last day it may be used.');

    const tomorrow = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1);
    await day.setValue(iso(tomorrow));
    await submit(wrapper);
    const end = new Date(tomorrow.getFullYear(), tomorrow.getMonth(), tomorrow.getDate(), 23, 59, 59, 999);
    expect(requests.map((r) => r.variables)).toEqual([{ input: { name: 'Printer', expiresAt: end.toISOString() } }]);
  });

  it('speaks Dutch: the choices and the hint', async () => {
    const { wrapper, languages } = open(180);
    await languages.setLocale('nl');
    await flush();
    expect(wrapper.find('fieldset.expiry legend').text()).toBe('Wanneer houdt het op te werken?');
    expect(options(wrapper).map(([label]) => label)).toEqual(['Het maximum (180 dagen)', '30 dagen', '90 dagen', 'Op een datum']);
    await wrapper.find('input[name=expiry][value=date]').setValue(true);
    expect(wrapper.find('fieldset.expiry .date small').text()).toMatch(/^Het werkt tot het einde van die dag \(middernacht, jouw tijd\)\./);
  });

  it('a day in the past is refused before sending, naming the last day allowed', async () => {
    const { wrapper, requests } = open(30);
    await wrapper.find('input[name=name]').setValue('Printer');
    await wrapper.find('input[name=expiry][value=date]').setValue(true);
    await wrapper.find('input[type=date]').setValue('2020-01-01');
    await submit(wrapper, 1);
    expect(requests).toHaveLength(0);
    expect(wrapper.find('fieldset.expiry .field-error').text()).toMatch(/^Choose a day from today up to .+\.$/);
  });

  it("the server's expiry errors show at the expiry, never its text", async () => {
    const { wrapper } = open(365, [
      refusal('BAD_USER_INPUT', 'SERVER TEXT', 'expiresInDays'),
      refusal('BAD_USER_INPUT', 'SERVER TEXT', 'expiresAt'),
    ]);
    await wrapper.find('input[name=name]').setValue('Printer');
    await wrapper.find('input[name=expiry][value="90"]').setValue(true);
    await submit(wrapper);
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
    await submit(wrapper);
    expect(group.attributes('aria-invalid')).toBe('false');
    expect(wrapper.find('input[type=date]').attributes('aria-invalid')).toBe('true');
    expect(wrapper.text()).not.toContain('SERVER TEXT');
    expect(wrapper.find('[data-test=password]').exists()).toBe(false);
  });
});
