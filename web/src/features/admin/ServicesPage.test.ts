import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { flush, mountWithApi, type Answer } from '../../test/mount';
import ServicesPage from './ServicesPage.vue';

enableAutoUnmount(afterEach);

const imap = { key: 'imap', nameEn: 'Mail (IMAP)', nameNl: 'E-mail (IMAP)', allowed: true };
const pop3 = { key: 'pop3', nameEn: 'Mail (POP3)', nameNl: 'E-mail (POP3)', allowed: false };
const xmpp = { key: 'xmpp', nameEn: 'Chat (XMPP)', nameNl: 'Chatten (XMPP)', allowed: true };
const list = (...services: object[]): Answer => ({ data: { services } });

async function open(answers: Answer[]) {
  const mounted = mountWithApi(ServicesPage, { global: { stubs: { RouterLink: { template: '<a><slot /></a>' } } } }, answers);
  await flush();
  await flush();
  return mounted;
}

async function fill(wrapper: Awaited<ReturnType<typeof open>>['wrapper'], key: string, nameEn: string, nameNl: string) {
  await wrapper.find('input[name=key]').setValue(key);
  await wrapper.find('input[name=nameEn]').setValue(nameEn);
  await wrapper.find('input[name=nameNl]').setValue(nameNl);
  await wrapper.find('form').trigger('submit');
  await flush();
  await flush();
}

const errorOf = (wrapper: Awaited<ReturnType<typeof open>>['wrapper'], name: string) => {
  const input = wrapper.find(`input[name=${name}]`);
  return input.attributes('aria-invalid') === 'true' ? wrapper.find(`#${input.attributes('aria-describedby')}`).text() : undefined;
};

describe('ServicesPage', () => {
  it('lists key, both names and whether it is allowed', async () => {
    const { wrapper } = await open([list(imap, pop3)]);
    expect(
      wrapper.findAll('[data-test=service]').map((r) =>
        r
          .findAll('td')
          .slice(0, 4)
          .map((td) => td.text()),
      ),
    ).toEqual([
      ['imap', 'Mail (IMAP)', 'E-mail (IMAP)', 'Allowed'],
      ['pop3', 'Mail (POP3)', 'E-mail (POP3)', 'Not allowed'],
    ]);
  });

  it('adds a service with its key as the server takes it (trimmed, lower case), then shows the list again', async () => {
    const { wrapper, requests } = await open([list(imap), { data: { addService: { service: xmpp } } }, list(imap, xmpp)]);
    await fill(wrapper, ' XMPP ', ' Chat (XMPP) ', 'Chatten (XMPP)');
    expect(requests[1]!.variables).toEqual({ input: { key: 'xmpp', nameEn: 'Chat (XMPP)', nameNl: 'Chatten (XMPP)' } });
    expect(wrapper.find('[data-test=status]').text()).toBe('Chat (XMPP) (xmpp) has been added and is allowed.');
    await flush();
    expect(wrapper.findAll('[data-test=service]')).toHaveLength(2);
    expect((wrapper.find('input[name=key]').element as HTMLInputElement).value).toBe('');
  });

  it('says what is wrong at each field before sending: a key it already has, a bad key, a missing name', async () => {
    const { wrapper, requests } = await open([list(imap)]);
    await fill(wrapper, 'imap', 'Mail again', '');
    expect(errorOf(wrapper, 'key')).toBe('There already is a service with this key.');
    expect(errorOf(wrapper, 'nameEn')).toBeUndefined();
    expect(errorOf(wrapper, 'nameNl')).toBe('Enter a name of 1 to 64 characters.');
    expect(document.activeElement).toBe(wrapper.find('input[name=key]').element);

    await fill(wrapper, 'my service', 'Mine', 'Van mij');
    expect(errorOf(wrapper, 'key')).toContain('Enter 1 to 32 lower-case letters');
    expect(requests).toHaveLength(1); // only the list
  });

  it("shows the server's field error at that field, never its text", async () => {
    const { wrapper } = await open([
      list(imap),
      { errors: [{ message: 'SERVER TEXT', extensions: { code: 'BAD_USER_INPUT', field: 'nameNl' } as never }] },
    ]);
    await fill(wrapper, 'xmpp', 'Chat', 'Chat\u0007');
    expect(errorOf(wrapper, 'nameNl')).toBe('Enter a name of 1 to 64 characters.');
    expect(wrapper.text()).not.toContain('SERVER TEXT');
  });

  it('removes after a confirmation and says how many app passwords lost it', async () => {
    const { wrapper, requests } = await open([
      list(imap, xmpp),
      { data: { removeService: { removedKey: 'xmpp', appPasswordsChanged: 3 } } },
      list(imap),
    ]);
    await wrapper.find('button[aria-label="Remove Chat (XMPP)"]').trigger('click');
    const dialog = wrapper.find('dialog');
    expect(dialog.text()).toContain('Remove Chat (XMPP)?');
    expect(dialog.text()).toContain('checks for xmpp are refused from the next request');
    await dialog
      .findAll('button')
      .find((b) => b.text() === 'Yes, remove')!
      .trigger('click');
    await flush();
    await flush();
    expect(requests[1]!.variables).toEqual({ input: { key: 'xmpp' } });
    expect(wrapper.find('[data-test=status]').text()).toBe('Chat (XMPP) has been removed; 3 app passwords no longer have it.');
  });

  it('the last allowed service cannot go: says why', async () => {
    const { wrapper } = await open([
      list(imap),
      { errors: [{ message: 'only one', extensions: { code: 'BAD_USER_INPUT', field: 'key' } as never }] },
      list(imap),
    ]);
    await wrapper.find('button[aria-label="Remove Mail (IMAP)"]').trigger('click');
    await wrapper
      .find('dialog')
      .findAll('button')
      .find((b) => b.text() === 'Yes, remove')!
      .trigger('click');
    await flush();
    await flush();
    expect(wrapper.find('[role=alert]').text()).toContain('This is the only service app passwords may be used for.');
  });
});
