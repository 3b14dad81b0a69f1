export { ErrorCode, errorCodes, isErrorCode } from './error-codes.js';
