import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { appPasswordWith, refusal, services, submit } from '../../test/answers';
import { flush, mountWithApi, type Answer } from '../../test/mount';
import EditAppPasswordDialog from './EditAppPasswordDialog.vue';

enableAutoUnmount(afterEach);

const appPassword = appPasswordWith();
const saved = (changes: object) => ({ ...appPassword, ...changes });
const open = (answers: Answer[] = []) => mountWithApi(EditAppPasswordDialog, { props: { appPassword, services } }, answers);

describe('EditAppPasswordDialog', () => {
  it('offers only the services it has (no way to add one), with its networks one per line', () => {
    const { wrapper } = open();
    expect(wrapper.findAll('fieldset label').map((l) => l.text())).toEqual(['Mail (IMAP)', 'Sending mail (SMTP)']);
    expect(wrapper.find('input[value=caldav]').exists()).toBe(false);
    expect((wrapper.find('textarea').element as HTMLTextAreaElement).value).toBe('192.0.2.0/24');
  });

  it('sends only what changed: fewer services, then the networks', async () => {
    const { wrapper, requests } = open([
      { data: { limitAppPasswordServices: { appPassword: saved({ services: ['imap'] }) } } },
      { data: { setAppPasswordNetworks: { appPassword: saved({ services: ['imap'], networks: [] }) } } },
    ]);
    await wrapper.find('input[value=smtp]').setValue(false);
    await wrapper.find('textarea').setValue('  ');
    await submit(wrapper, 3);
    expect(requests.map((r) => r.variables)).toEqual([{ input: { id: 'a1', services: ['imap'] } }, { input: { id: 'a1', networks: [] } }]);
    expect(wrapper.emitted('saved')).toEqual([[saved({ services: ['imap'], networks: [] })]]);
  });

  it('unchanged services are not sent again', async () => {
    const { wrapper, requests } = open([{ data: { setAppPasswordNetworks: { appPassword: saved({ networks: ['198.51.100.0/24'] }) } } }]);
    await wrapper.find('textarea').setValue('198.51.100.0/24');
    await submit(wrapper);
    expect(requests.map((r) => r.variables)).toEqual([{ input: { id: 'a1', networks: ['198.51.100.0/24'] } }]);
  });

  it('keeps at least one service, and shows the networks error of the server at the networks', async () => {
    const { wrapper, requests } = open([refusal('BAD_USER_INPUT', 'SERVER TEXT', 'networks')]);
    await wrapper.find('input[value=imap]').setValue(false);
    await wrapper.find('input[value=smtp]').setValue(false);
    await submit(wrapper, 1);
    expect(requests).toHaveLength(0);
    expect(wrapper.find('fieldset .field-error').text()).toBe('Keep at least one service. To stop it altogether, delete it.');

    await wrapper.find('input[value=imap]').setValue(true);
    await wrapper.find('input[value=smtp]').setValue(true);
    await wrapper.find('textarea').setValue('10.0.0.0/33');
    await submit(wrapper);
    expect(requests).toHaveLength(1);
    expect(wrapper.find('textarea').attributes('aria-invalid')).toBe('true');
    expect(wrapper.find('label.field .field-error').text()).toContain('Write each network as 192.0.2.0/24');
    expect(wrapper.text()).not.toContain('SERVER TEXT');
    expect(wrapper.emitted('saved')).toBeUndefined();
  });

  describe('rename', () => {
    it('shows the name, focused; a new name is sent trimmed, alone when nothing else changed', async () => {
      const { wrapper, requests } = open([{ data: { renameAppPassword: { appPassword: saved({ name: 'Thunderbird at work' }) } } }]);
      const name = wrapper.find('input[name=name]');
      expect((name.element as HTMLInputElement).value).toBe('Thunderbird');
      expect(name.attributes('maxlength')).toBe('64');
      await flush();
      expect(document.activeElement).toBe(name.element);
      await name.setValue('  Thunderbird at work ');
      await submit(wrapper);
      expect(requests.map((r) => r.variables)).toEqual([{ input: { id: 'a1', name: 'Thunderbird at work' } }]);
      expect(wrapper.emitted('saved')).toEqual([[saved({ name: 'Thunderbird at work' })]]);
    });

    it('an empty name is said at the field and nothing is sent', async () => {
      const { wrapper, requests } = open();
      const name = wrapper.find('input[name=name]');
      await name.setValue('   ');
      await submit(wrapper, 1);
      expect(requests).toHaveLength(0);
      expect(name.attributes('aria-invalid')).toBe('true');
      expect(wrapper.find(`#${name.attributes('aria-describedby')}`).text()).toBe('Enter a name of 1 to 64 characters.');
    });

    it("the server's name error shows at the name, never its text; nothing else is sent", async () => {
      const { wrapper, requests } = open([refusal('BAD_USER_INPUT', 'SERVER TEXT', 'name')]);
      await wrapper.find('input[name=name]').setValue('Two\tlines');
      await wrapper.find('textarea').setValue('198.51.100.0/24');
      await submit(wrapper);
      expect(requests).toHaveLength(1);
      const name = wrapper.find('input[name=name]');
      expect(name.attributes('aria-invalid')).toBe('true');
      expect(wrapper.find(`#${name.attributes('aria-describedby')}`).text()).toBe('A name is 1 to 64 characters, without line breaks.');
      expect(wrapper.text()).not.toContain('SERVER TEXT');
      expect(wrapper.emitted('saved')).toBeUndefined();
    });

    it('renamed, then the networks fail: the page is told to show the new name, the dialog stays with the error', async () => {
      const { wrapper, requests } = open([
        { data: { renameAppPassword: { appPassword: saved({ name: 'Laptop' }) } } },
        refusal('BAD_USER_INPUT', 'SERVER TEXT', 'networks'),
      ]);
      await wrapper.find('input[name=name]').setValue('Laptop');
      await wrapper.find('textarea').setValue('10.0.0.0/33');
      await submit(wrapper, 3);
      expect(requests).toHaveLength(2);
      expect(wrapper.emitted('changed')).toHaveLength(1);
      expect(wrapper.emitted('saved')).toBeUndefined();
      expect(wrapper.find('textarea').attributes('aria-invalid')).toBe('true');
    });
  });
});
