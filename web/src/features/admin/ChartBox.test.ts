import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { h } from 'vue';
import { mountWithApi } from '../../test/mount';
import ChartBox from './ChartBox.vue';

enableAutoUnmount(afterEach);

describe('ChartBox', () => {
  it('draws its shapes as SVG in an image labelled with what it shows, at the width it is given', () => {
    const { wrapper } = mountWithApi(ChartBox, {
      props: { width: 300, height: 120, label: 'Sign-ins: 3 succeeded, 1 failed' },
      attrs: { 'data-test': 'chart' },
      slots: { default: () => h('rect', { x: 0, y: 0, width: 10, height: 10 }) },
    });
    const svg = wrapper.find('svg');
    expect(svg.attributes()).toMatchObject({ role: 'img', 'aria-label': 'Sign-ins: 3 succeeded, 1 failed', width: '300', height: '120' });
    expect(svg.attributes('data-test')).toBe('chart');
    expect(wrapper.find('rect').element.namespaceURI).toBe('http://www.w3.org/2000/svg');
  });
});
