import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { shallowRef } from 'vue';
import { mountWithApi } from '../../test/mount';
import SelectCell from './SelectCell.vue';
import { useSelection } from './useSelection';

enableAutoUnmount(afterEach);

describe('SelectCell', () => {
  it('a row cell picks its row; the head cell picks all rows shown, and shows when all are', async () => {
    const selection = useSelection(shallowRef([{ id: 'a' }, { id: 'b' }]));
    const head = mountWithApi(SelectCell, { props: { selection, label: 'Select all' } }).wrapper;
    const row = mountWithApi(SelectCell, { props: { selection, row: 'a', label: 'Select Ann' } }).wrapper;
    expect(head.element.tagName).toBe('TH');
    expect(row.element.tagName).toBe('TD');
    expect(row.find('input').attributes('aria-label')).toBe('Select Ann');

    await row.find('input').setValue(true);
    expect([...selection.selected.value]).toEqual(['a']);
    expect((head.find('input').element as HTMLInputElement).checked).toBe(false);

    await head.find('input').setValue(true);
    expect([...selection.selected.value].sort()).toEqual(['a', 'b']);
    expect((head.find('input').element as HTMLInputElement).checked).toBe(true);
    await head.find('input').setValue(false);
    expect(selection.selected.value.size).toBe(0);
    expect((row.find('input').element as HTMLInputElement).checked).toBe(false);
  });
});
