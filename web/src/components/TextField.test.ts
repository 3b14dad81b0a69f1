import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { mountWithApi } from '../test/mount';
import TextField from './TextField.vue';

enableAutoUnmount(afterEach);

describe('TextField', () => {
  it('is a labelled input that takes the attributes given, described by its hint', () => {
    const { wrapper } = mountWithApi(TextField, {
      props: { label: 'Reason', hint: 'Kept in the audit log.', modelValue: '' },
      attrs: { name: 'reason', maxlength: '500', required: '' },
    });
    const input = wrapper.find('input');
    expect(wrapper.find('label').text()).toContain('Reason');
    expect(input.attributes()).toMatchObject({ name: 'reason', maxlength: '500', 'aria-invalid': 'false' });
    expect(wrapper.find(`#${input.attributes('aria-describedby')}`).text()).toBe('Kept in the audit log.');
  });

  it('shows the error in place of the hint and marks the input invalid; without either, describes nothing', () => {
    const wrong = mountWithApi(TextField, { props: { label: 'Name', error: 'Give it a name.', helpId: 'name-error', modelValue: '' } });
    expect(wrong.wrapper.find('input').attributes()).toMatchObject({ 'aria-invalid': 'true', 'aria-describedby': 'name-error' });
    expect(wrong.wrapper.find('#name-error.field-error').text()).toBe('Give it a name.');
    const plain = mountWithApi(TextField, { props: { label: 'Name', modelValue: '' } });
    expect(plain.wrapper.find('input').attributes('aria-describedby')).toBeUndefined();
    expect(plain.wrapper.find('small').exists()).toBe(false);
  });

  it('gives back what is typed, and takes the focus when asked', async () => {
    const { wrapper } = mountWithApi(TextField, { props: { label: 'Name', modelValue: '' } });
    await wrapper.find('input').setValue('Printer');
    expect(wrapper.emitted('update:modelValue')).toEqual([['Printer']]);
    wrapper.vm.focus();
    expect(document.activeElement).toBe(wrapper.find('input').element);
  });
});
