import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { mountWithApi } from '../test/mount';
import OneTimeCodeInput from './OneTimeCodeInput.vue';

enableAutoUnmount(afterEach);

describe('OneTimeCodeInput', () => {
  it('asks for digits the way phones and password managers recognise a one-time code', () => {
    const { wrapper } = mountWithApi(OneTimeCodeInput, { props: { modelValue: '' } });
    expect(wrapper.find('input').attributes()).toMatchObject({
      name: 'code',
      inputmode: 'numeric',
      autocomplete: 'one-time-code',
      pattern: '[0-9 ]*',
      maxlength: '7',
    });
  });

  it('gives back what is typed, and takes the focus when asked', async () => {
    const { wrapper } = mountWithApi(OneTimeCodeInput, { props: { modelValue: '' } });
    await wrapper.find('input').setValue('123 456');
    expect(wrapper.emitted('update:modelValue')).toEqual([['123 456']]);
    wrapper.vm.focus();
    expect(document.activeElement).toBe(wrapper.find('input').element);
  });
});
