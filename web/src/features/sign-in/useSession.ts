import { ref } from 'vue';
import { SignOutDocument, ViewerDocument, type ViewerFieldsFragment } from '@app-passwords/schema';
import { client } from '../../graphql/client';

/** Who is signed in, shared by the router guard, the header and the pages. */
const viewer = ref<ViewerFieldsFragment | null>(null);
let loaded: Promise<void> | undefined;

async function refresh(): Promise<void> {
  const result = await client.query(ViewerDocument, {}, { requestPolicy: 'network-only' }).toPromise();
  viewer.value = result.data?.viewer ?? null;
}

export function useSession() {
  return {
    viewer,
    /** Loads the viewer once; later calls reuse it. */
    ensureLoaded: () => (loaded ??= refresh()),
    /** Loads the viewer again, after a change to what the console may offer them (two-step verification set up). */
    reload: () => (loaded = refresh()),
    signedIn: (v: ViewerFieldsFragment) => {
      viewer.value = v;
      loaded = Promise.resolve();
    },
    signOut: async () => {
      await client.mutation(SignOutDocument, {}).toPromise();
      viewer.value = null;
    },
  };
}
