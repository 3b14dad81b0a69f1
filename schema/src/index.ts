export { ErrorCode, errorCodes, isErrorCode } from './error-codes.js';
export * from './limits.js';
export { SsoFailure, ssoFailures, isSsoFailure } from './sso-failures.js';
export type * from './generated/operations.js';
export * from './generated/documents/console.js';
export * from './generated/documents/admin.js';
// In both parts (operations/services.graphql): the console's copy is the one this package names.
export { ServiceFieldsFragmentDoc } from './generated/documents/console.js';
