export { ErrorCode, errorCodes, isErrorCode } from './error-codes.js';
export * from './limits.js';
export * from './generated/operations.js';
