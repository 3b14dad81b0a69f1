import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

/** The width of an element in CSS pixels, kept current, so a chart draws at its real size and its text stays legible. */
export function useElementWidth(element: Ref<HTMLElement | undefined>, initial = 640): Ref<number> {
  const width = ref(initial);
  let observer: ResizeObserver | undefined;
  onMounted(() => {
    if (!element.value) return;
    if (element.value.clientWidth > 0) width.value = element.value.clientWidth;
    if (typeof ResizeObserver === 'undefined') return;
    observer = new ResizeObserver(([entry]) => {
      if (entry && entry.contentRect.width > 0) width.value = Math.floor(entry.contentRect.width);
    });
    observer.observe(element.value);
  });
  onBeforeUnmount(() => observer?.disconnect());
  return width;
}
