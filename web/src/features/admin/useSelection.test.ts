import { describe, expect, it } from 'vitest';
import { shallowRef } from 'vue';
import { useSelection } from './useSelection';

describe('useSelection', () => {
  it('selects rows one by one; all are selected once every row shown is', () => {
    const rows = shallowRef([{ id: 'a' }, { id: 'b' }]);
    const { selected, allSelected, toggle } = useSelection(rows);
    toggle('a', true);
    expect([...selected.value]).toEqual(['a']);
    expect(allSelected.value).toBe(false);
    toggle('b', true);
    expect(allSelected.value).toBe(true);
    toggle('a', false);
    expect([...selected.value]).toEqual(['b']);
  });

  it('selects or clears all rows shown at once; an empty list is never "all selected"', () => {
    const rows = shallowRef<{ id: string }[]>([{ id: 'a' }, { id: 'b' }]);
    const { selected, allSelected, toggleAll, clear } = useSelection(rows);
    toggleAll(true);
    expect([...selected.value].sort()).toEqual(['a', 'b']);
    clear();
    expect(selected.value.size).toBe(0);
    rows.value = [];
    expect(allSelected.value).toBe(false);
  });

  it('a row loaded later is not selected by an earlier "all"', () => {
    const rows = shallowRef([{ id: 'a' }]);
    const { allSelected, toggleAll } = useSelection(rows);
    toggleAll(true);
    rows.value = [{ id: 'a' }, { id: 'b' }];
    expect(allSelected.value).toBe(false);
  });
});
