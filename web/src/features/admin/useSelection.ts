import { computed, ref, type Ref } from 'vue';

/** Rows of a list picked for a bulk action, by id: one row at a time, or all the rows shown. */
export function useSelection(rows: Ref<readonly { id: string }[]>) {
  const selected = ref(new Set<string>());
  const allSelected = computed(() => rows.value.length > 0 && rows.value.every((row) => selected.value.has(row.id)));
  function toggle(id: string, on: boolean) {
    const next = new Set(selected.value);
    if (on) next.add(id);
    else next.delete(id);
    selected.value = next;
  }
  function toggleAll(on: boolean) {
    selected.value = on ? new Set(rows.value.map((row) => row.id)) : new Set();
  }
  return { selected, allSelected, toggle, toggleAll, clear: () => toggleAll(false) };
}
