// The error model's public surface: codes, the AppError class and its factories.
export { AppError, type ErrorExtras, errors, type InvalidParam, isAppError } from './app-error.ts';
export { ERROR_CODES, type ErrorCode, OAUTH_ERROR_CODES } from './codes.ts';
