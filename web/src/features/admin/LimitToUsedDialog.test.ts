import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount } from '@vue/test-utils';
import { flush, mountWithApi } from '../../test/mount';
import LimitToUsedDialog from './LimitToUsedDialog.vue';

enableAutoUnmount(afterEach);

const counted = (count: number, dryRun: boolean) => ({ data: { limitAppPasswordsToUsedServices: { count, dryRun } } });
const button = (wrapper: ReturnType<typeof mountWithApi>['wrapper'], text: string) =>
  wrapper.findAll('button').find((b) => b.text() === text);

describe('LimitToUsedDialog', () => {
  it('counts first with a dry run, says how many will be limited, then limits them; Cancel has the focus', async () => {
    const filter = { allowsMoreThanUsed: true, service: 'caldav' };
    const { wrapper, requests } = mountWithApi(LimitToUsedDialog, { props: { title: 'Limit?', target: { filter } } }, [
      counted(2, true),
      counted(2, false),
    ]);
    expect(wrapper.text()).toContain('Counting…');
    await flush();
    await flush();
    expect(requests.map((r) => r.variables)).toEqual([{ input: { filter, dryRun: true } }]);
    expect(wrapper.find('[data-test=count]').text()).toContain(
      '2 app passwords will be limited to the services they were used for in the last 30 days.',
    );
    expect(document.activeElement?.textContent).toBe('Cancel');

    await button(wrapper, 'Yes, limit 2 app passwords')!.trigger('click');
    await flush();
    await flush();
    expect(requests.map((r) => r.variables)).toEqual([{ input: { filter, dryRun: true } }, { input: { filter, dryRun: false } }]);
    expect(wrapper.emitted('limited')).toEqual([[2]]);
  });

  it('nothing to limit: says so and offers only Close', async () => {
    const { wrapper, requests } = mountWithApi(LimitToUsedDialog, { props: { title: 'Limit?', target: { ids: ['a1'] } } }, [
      counted(0, true),
    ]);
    await flush();
    await flush();
    expect(requests.map((r) => r.variables)).toEqual([{ input: { ids: ['a1'], dryRun: true } }]);
    expect(wrapper.find('[data-test=count]').text()).toContain('there is nothing to limit');
    expect(wrapper.findAll('button').map((b) => b.text())).toEqual(['Close']);
  });

  it('a refusal shows the translated message, and nothing is limited', async () => {
    const { wrapper, requests } = mountWithApi(LimitToUsedDialog, { props: { title: 'Limit?', target: { ids: ['a1'] } } }, [
      { errors: [{ message: 'SERVER TEXT', extensions: { code: 'FORBIDDEN' } }] },
    ]);
    await flush();
    await flush();
    expect(requests).toHaveLength(1);
    expect(wrapper.find('[role=alert]').text()).toBe('Only tenant admins signed in to the console can do this.');
    expect(button(wrapper, 'Yes, limit 1 app password')).toBeUndefined();
    expect(wrapper.emitted('limited')).toBeUndefined();
  });
});
