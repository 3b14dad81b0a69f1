import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { mountWithApi } from '../test/mount';
import NumberField from './NumberField.vue';

enableAutoUnmount(afterEach);

const props = { label: 'Days', name: 'days', min: 1, max: 365, hint: 'From 1 to 365.', describedBy: 'days-help', modelValue: 90 };

describe('NumberField', () => {
  it('is a labelled whole-number input, described by its hint', () => {
    const { wrapper } = mountWithApi(NumberField, { props });
    const input = wrapper.find('input');
    expect(wrapper.find('label').text()).toContain('Days');
    expect(input.attributes()).toMatchObject({ type: 'number', name: 'days', min: '1', max: '365', step: '1' });
    expect(input.attributes('aria-invalid')).toBe('false');
    expect(input.attributes('aria-describedby')).toBe('days-help');
    expect(wrapper.find('#days-help').text()).toBe('From 1 to 365.');
    expect(wrapper.find('#days-help').classes()).toContain('muted');
  });

  it('shows the error in place of the hint, and marks the input invalid', () => {
    const { wrapper } = mountWithApi(NumberField, { props: { ...props, error: 'Enter a whole number from 1 to 365.' } });
    expect(wrapper.find('input').attributes('aria-invalid')).toBe('true');
    expect(wrapper.find('#days-help').text()).toBe('Enter a whole number from 1 to 365.');
    expect(wrapper.find('#days-help').classes()).toContain('field-error');
  });

  it('gives back what is typed as a number', async () => {
    const { wrapper } = mountWithApi(NumberField, { props });
    await wrapper.find('input').setValue('30');
    expect(wrapper.emitted('update:modelValue')).toEqual([[30]]);
  });
});
