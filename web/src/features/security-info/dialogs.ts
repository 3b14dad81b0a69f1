/**
 * The security-info page's dialogs, in one chunk of their own: a first visit
 * shows the page without loading them, and the page loads them once the
 * browser is idle after it shows, or when one is opened first.
 */
export { default as AddMethodDialog } from './AddMethodDialog.vue';
export { default as ChangePasswordDialog } from './ChangePasswordDialog.vue';
export { default as DeleteAppPasswordDialog } from './DeleteAppPasswordDialog.vue';
export { default as NewRecoveryCodesDialog } from './NewRecoveryCodesDialog.vue';
export { default as RemoveTwoStepDialog } from './RemoveTwoStepDialog.vue';
export { default as EditAppPasswordDialog } from './EditAppPasswordDialog.vue';
export { default as DeleteAllAppPasswordsDialog } from './DeleteAllAppPasswordsDialog.vue';
export { default as AppPasswordHistoryDialog } from './AppPasswordHistoryDialog.vue';
export { default as RotateAppPasswordDialog } from './RotateAppPasswordDialog.vue';
