import type { ServiceFieldsFragment } from '@app-passwords/schema';
import { appPasswordWith } from '../../test/answers';
import { mountWithApi, type Answer } from '../../test/mount';
import AddMethodDialog from './AddMethodDialog.vue';

/** The server created the app password "Thunderbird". */
export const created: Answer = {
  data: {
    createAppPassword: {
      password: 'abcdefghijklmnopqrstuvwxyzab',
      appPassword: appPasswordWith({ services: [], networks: [] }),
    },
  },
};

/** The dialog opened straight at naming a new app password, with room for it. */
export const openAtName = (
  props: { services?: ServiceFieldsFragment[]; networksRequired?: boolean; maxLifetimeDays?: number | null },
  answers: Answer[] = [],
) =>
  mountWithApi(
    AddMethodDialog,
    { props: { availableMethods: ['APP_PASSWORD'], count: 0, limit: 40, method: 'APP_PASSWORD', ...props } },
    answers,
  );
