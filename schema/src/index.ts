export { ErrorCode, errorCodes, isErrorCode } from './error-codes.js';
export * from './limits.js';
export { SsoFailure, ssoFailures, isSsoFailure } from './sso-failures.js';
export * from './generated/operations.js';
