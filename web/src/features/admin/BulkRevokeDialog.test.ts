import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { flush, mountWithApi } from '../../test/mount';
import BulkRevokeDialog from './BulkRevokeDialog.vue';

enableAutoUnmount(afterEach);

const counted = (count: number, dryRun: boolean) => ({ data: { revokeAppPasswords: { count, dryRun } } });
const button = (wrapper: ReturnType<typeof mountWithApi>['wrapper'], text: string) =>
  wrapper.findAll('button').find((b) => b.text() === text)!;

describe('BulkRevokeDialog', () => {
  it('counts first with a dry run, shows how many will go, then revokes with the reason given', async () => {
    const { wrapper, requests } = mountWithApi(
      BulkRevokeDialog,
      { props: { title: 'Delete all app passwords of 2 users?', target: { userIds: ['u1', 'u2'] } } },
      [counted(3, true), counted(3, false)],
    );
    expect(wrapper.text()).toContain('Counting…');
    await flush();
    await flush();

    expect(requests).toHaveLength(1);
    expect(requests[0]!.variables).toEqual({ input: { userIds: ['u1', 'u2'], reason: 'dry run', dryRun: true } });
    expect(wrapper.find('[data-test=count]').text()).toContain('3 app passwords will stop working at once.');
    expect(button(wrapper, 'Yes, delete 3 app passwords').exists()).toBe(true);

    await wrapper.find('input[name=reason]').setValue('  Laptop stolen  ');
    await wrapper.find('form').trigger('submit');
    await flush();
    await flush();

    expect(requests).toHaveLength(2);
    expect(requests[1]!.variables).toEqual({ input: { userIds: ['u1', 'u2'], reason: 'Laptop stolen', dryRun: false } });
    expect(wrapper.emitted('revoked')).toEqual([[3]]);
  });

  it('asks for a reason before revoking anything', async () => {
    const { wrapper, requests } = mountWithApi(BulkRevokeDialog, { props: { title: 'Delete?', target: { ids: ['a1'] } } }, [
      counted(1, true),
    ]);
    await flush();
    await flush();
    expect(wrapper.find('[data-test=count]').text()).toContain('1 app password will stop working at once.');

    await wrapper.find('form').trigger('submit');
    await flush();
    expect(requests).toHaveLength(1); // only the dry run
    expect(wrapper.find('.field-error').text()).toBe('Give a reason.');
    expect(wrapper.find('input[name=reason]').attributes('aria-invalid')).toBe('true');
    expect(wrapper.emitted('revoked')).toBeUndefined();
  });

  it('nothing to revoke: says so and offers only to close', async () => {
    const { wrapper } = mountWithApi(BulkRevokeDialog, { props: { title: 'Delete?', target: { filter: { neverUsed: true } } } }, [
      counted(0, true),
    ]);
    await flush();
    await flush();
    expect(wrapper.find('[data-test=count]').text()).toBe('There are no app passwords to delete.');
    expect(wrapper.findAll('button').map((b) => b.text())).toEqual(['Close']);
    await button(wrapper, 'Close').trigger('click');
    expect(wrapper.emitted('close')).toHaveLength(1);
  });

  it('error: the translated message for the code, never the server text', async () => {
    const { wrapper } = mountWithApi(BulkRevokeDialog, { props: { title: 'Delete?', target: { userIds: ['u1'] } } }, [
      { errors: [{ message: 'SERVER SIDE TEXT', extensions: { code: 'NOT_FOUND' } }] },
    ]);
    await flush();
    await flush();
    expect(wrapper.find('[role=alert]').text()).toBe('It no longer exists. The list has been refreshed.');
    expect(wrapper.text()).not.toContain('SERVER SIDE TEXT');
    expect(wrapper.find('form').exists()).toBe(false);
  });
});
