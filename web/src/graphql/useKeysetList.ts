import { ref, shallowRef } from 'vue';
import { useClientHandle, type AnyVariables, type CombinedError, type TypedDocumentNode } from '@urql/vue';

interface Connection<N> {
  edges: Array<{ node: N }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * A list over one of the API's keyset connections: `load(variables)` starts
 * from the first page, `loadMore()` appends the next. A newer `load` wins over
 * an older one still on its way, so typing in a search box never shows stale rows.
 */
export function useKeysetList<Data, Vars extends AnyVariables & { after?: string | null }, Node>(
  document: TypedDocumentNode<Data, Vars>,
  select: (data: Data) => Connection<Node>,
) {
  const { client } = useClientHandle();
  const rows = shallowRef<Node[]>([]);
  /** The latest page's data, for fields beside the edges such as totalCount. */
  const data = shallowRef<Data>();
  const hasMore = ref(false);
  const loading = ref(false);
  const loaded = ref(false);
  const error = shallowRef<CombinedError>();
  let variables = {} as Vars;
  let cursor: string | null = null;
  let generation = 0;

  async function fetchPage(reset: boolean): Promise<void> {
    const current = reset ? ++generation : generation;
    loading.value = true;
    error.value = undefined;
    const result = await client
      .query(document, { ...variables, after: reset ? null : cursor }, { requestPolicy: 'network-only' })
      .toPromise();
    if (current !== generation) return;
    loading.value = false;
    if (!result.data) {
      error.value = result.error;
      return;
    }
    const page = select(result.data);
    const nodes = page.edges.map((e) => e.node);
    rows.value = reset ? nodes : [...rows.value, ...nodes];
    data.value = result.data;
    cursor = page.pageInfo.endCursor;
    hasMore.value = page.pageInfo.hasNextPage;
    loaded.value = true;
  }

  return {
    rows,
    data,
    hasMore,
    loading,
    loaded,
    error,
    load(next: Vars) {
      variables = next;
      return fetchPage(true);
    },
    loadMore: () => fetchPage(false),
    reload: () => fetchPage(true),
  };
}
