import { nextTick, ref, type Ref } from 'vue';

/**
 * What is wrong with a form's fields (field → message key), shown only once
 * someone tried to submit: `shown(field)` from then on. `check()` says whether
 * the form can go; when not, it puts the focus on the first field marked
 * invalid inside `form` (in a group of choices, its first one).
 */
export function useFieldProblems<F extends string>(
  problems: Ref<Partial<Record<F, string | undefined>>>,
  form: Ref<HTMLElement | undefined>,
) {
  const submitted = ref(false);
  const shown = (field: F) => (submitted.value ? problems.value[field] : undefined);

  async function check(): Promise<boolean> {
    submitted.value = true;
    if (!Object.values(problems.value).some(Boolean)) return true;
    await nextTick();
    const first = form.value?.querySelector<HTMLElement>('[aria-invalid="true"], fieldset[data-invalid]');
    (first?.tagName === 'FIELDSET' ? first.querySelector('input') : first)?.focus();
    return false;
  }

  return { submitted, shown, check };
}
