export { ErrorCode, errorCodes, isErrorCode } from './error-codes.js';
export * from './generated/operations.js';
