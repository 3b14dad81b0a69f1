import { inject, ref, type InjectionKey, type Ref } from 'vue';
import type { Client } from '@urql/vue';
import { SecurityInfoDocument, SignOutDocument, ViewerDocument, type ViewerFieldsFragment } from '@app-passwords/schema';
import type { Languages } from '../../i18n';

/** Who is signed in, shared by the router guard, the header and the pages of one console app. */
export interface Session {
  viewer: Ref<ViewerFieldsFragment | null>;
  /** Loads the viewer once; later calls reuse it. `withSecurityInfo`: the first load also fetches the security-info page's data. */
  ensureLoaded(withSecurityInfo?: boolean): Promise<void>;
  /**
   * Whether the security-info page's data is in the client's cache, fetched with the viewer on this page load;
   * true once at most, so the page reads it from the cache that one time and asks the server every other time.
   */
  takeSecurityInfo(): boolean;
  /** Loads the viewer again, after a change to what the console may offer them (two-step verification set up). */
  reload(): Promise<void>;
  /** Just signed in: resolves once the console shows in their language (the router's guard waits for it too). */
  signedIn(viewer: ViewerFieldsFragment): Promise<void>;
  signOut(): Promise<void>;
}

export function createSession(client: Client, languages: Languages): Session {
  const viewer = ref<ViewerFieldsFragment | null>(null);
  let loaded: Promise<void> | undefined;
  /** The security-info page's data came with the viewer and waits in the client's cache for the page's first query. */
  let securityInfoWaiting = false;

  /**
   * Who is signed in from now on. The console then shows in the language they chose (the language switch saves it
   * with setMyLanguage; their mails are in it too); before sign-in, and for someone who never chose, it keeps the
   * browser's language or the choice made in this browser.
   */
  async function adopt(signedIn: ViewerFieldsFragment | null): Promise<void> {
    viewer.value = signedIn;
    const chosen = signedIn?.chosenLanguage;
    if (!chosen) return;
    const locale = chosen === 'NL' ? 'nl' : 'en';
    if (languages.i18n.global.locale.value !== locale) await languages.setLocale(locale);
  }

  async function refresh(withSecurityInfo = false): Promise<void> {
    if (withSecurityInfo) {
      // `SecurityInfo` carries the viewer's fields too: one round trip instead of two before the page can show.
      const result = await client.query(SecurityInfoDocument, {}, { requestPolicy: 'network-only' }).toPromise();
      if (!result.error) {
        await adopt(result.data?.viewer ?? null);
        securityInfoWaiting = viewer.value !== null;
        return;
      }
      // A failure there must not look like being signed out: ask for the viewer alone, and let the page show its own error.
    }
    const result = await client.query(ViewerDocument, {}, { requestPolicy: 'network-only' }).toPromise();
    await adopt(result.data?.viewer ?? null);
  }

  return {
    viewer,
    ensureLoaded: (withSecurityInfo = false) => (loaded ??= refresh(withSecurityInfo)),
    takeSecurityInfo: () => {
      const waiting = securityInfoWaiting;
      securityInfoWaiting = false;
      return waiting;
    },
    reload: () => (loaded = refresh()),
    signedIn: (v) => {
      securityInfoWaiting = false;
      return (loaded = adopt(v));
    },
    signOut: async () => {
      await client.mutation(SignOutDocument, {}).toPromise();
      viewer.value = null;
      securityInfoWaiting = false;
    },
  };
}

export const SESSION: InjectionKey<Session> = Symbol('session');

/** The console's session, in a component's setup. */
export function useSession(): Session {
  const session = inject(SESSION);
  if (!session) throw new Error('useSession() outside a console app');
  return session;
}
