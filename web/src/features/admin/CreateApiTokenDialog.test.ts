import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { flush, mountWithApi, type Answer } from '../../test/mount';
import CreateApiTokenDialog from './CreateApiTokenDialog.vue';

enableAutoUnmount(afterEach);

const created: Answer = {
  data: {
    createApiToken: {
      token: `apt_${'x'.repeat(43)}`,
      apiToken: {
        id: 't1',
        name: 'Entra ID',
        scopes: ['SCIM'],
        createdAt: '2026-12-06T12:00:00Z',
        expiresAt: '2027-03-06T12:00:00Z',
        lastUsedAt: null,
      },
    },
  },
};
const settle = async () => {
  for (let i = 0; i < 4; i++) await flush();
};
const scopeBox = (wrapper: ReturnType<typeof mountWithApi>['wrapper'], value: string) => wrapper.find(`input[name=scopes][value=${value}]`);

describe('CreateApiTokenDialog', () => {
  it('offers the SCIM scope, only on its own, and creates a SCIM token', async () => {
    const { wrapper, requests } = mountWithApi(CreateApiTokenDialog, {}, [created]);
    const scim = scopeBox(wrapper, 'SCIM');
    expect(scim.element.closest('label')!.textContent).toContain('Provision users from an identity provider (SCIM)');
    expect(scim.element.closest('label')!.textContent).toContain('For Microsoft Entra ID or Okta at /scim/v2.');

    await wrapper.find('input[name=name]').setValue('Entra ID');
    await scim.setValue(true);
    await scopeBox(wrapper, 'AUDIT_READ').setValue(true);
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(wrapper.find('#api-token-scopes-error').text()).toBe(
      'A SCIM token has no other scope: choose SCIM alone, or create a second token.',
    );
    expect(requests).toEqual([]);

    await scopeBox(wrapper, 'AUDIT_READ').setValue(false);
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(requests.map((r) => r.variables)).toEqual([{ input: { name: 'Entra ID', scopes: ['SCIM'], expiresInDays: 90 } }]);
    expect(wrapper.find('[data-test=token]').text()).toContain(`apt_${'x'.repeat(43)}`);
  });

  it('speaks Dutch', async () => {
    const { wrapper, languages } = mountWithApi(CreateApiTokenDialog, {}, []);
    await languages.setLocale('nl');
    await flush();
    const label = scopeBox(wrapper, 'SCIM').element.closest('label')!.textContent;
    expect(label).toContain('Gebruikers inrichten vanuit een identiteitsprovider (SCIM)');
    expect(label).toContain("Voor Microsoft Entra ID of Okta op /scim/v2. Alleen los te kiezen: zo'n token kan verder niets.");
  });
});
