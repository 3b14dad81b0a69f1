import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { h } from 'vue';
import { mountWithApi } from '../test/mount';
import DataTable from './DataTable.vue';

enableAutoUnmount(afterEach);

describe('DataTable', () => {
  it('puts the caption, the column heads in one row, and the rows in their places', () => {
    const { wrapper } = mountWithApi(DataTable, {
      props: { caption: 'Users' },
      attrs: { 'data-test': 'users' },
      slots: {
        head: () => [h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Email')],
        default: () => h('tr', [h('td', 'Ann'), h('td', 'ann@example.test')]),
      },
    });
    const table = wrapper.find('table[data-test=users]');
    expect(table.find('caption').text()).toBe('Users');
    expect(table.findAll('thead tr th').map((th) => th.text())).toEqual(['Name', 'Email']);
    expect(table.findAll('tbody tr td').map((td) => td.text())).toEqual(['Ann', 'ann@example.test']);
    expect(table.classes()).not.toContain('compact');
  });
});
