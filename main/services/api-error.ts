// The one mapping from whatever a handler threw to the error a UI or script receives.
// Domain errors carry their own code (a `code` property from API_ERROR_CODES); format
// errors keep their finer reason in `details`; errors of SQLite and the file system are
// named by what they mean for a lab user. Whatever is left is a bug: INTERNAL, and the
// only kind the caller logs as a crash.

import { API_ERROR_CODES, type ApiErrorCode, type ApiErrorPayload } from '../../preload/api.js';
import { ServiceError } from './service-error.js';

const KNOWN_CODES = new Set<string>(API_ERROR_CODES);

/** What an SQLite or Node system error code stands for, where it is not a bug. */
function systemCode(code: string): ApiErrorCode | null {
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return 'DISK_FULL';
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED') return 'PROJECT_LOCKED';
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_') || code === 'EROFS') return 'PROJECT_READ_ONLY';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'PROJECT_DAMAGED';
  if (code === 'ENOENT') return 'FILE_NOT_FOUND';
  if (code === 'EACCES' || code === 'EPERM') return 'PERMISSION_DENIED';
  if (code === 'EISDIR' || code === 'ENOTDIR') return 'BAD_INPUT_FILE';
  return null;
}

export interface MappedError {
  payload: ApiErrorPayload;
  /** True when nothing recognised the error: a bug, to be logged with its stack. */
  internal: boolean;
}

export function toApiError(e: unknown): MappedError {
  if (e instanceof ServiceError) {
    return { payload: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) }, internal: false };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const message = err.message || String(e);
  const raw = (err as { code?: unknown }).code;
  const code = typeof raw === 'string' ? raw : null;
  // By name as well as class: errors from the store's worker arrive as StoreThreadError
  // with the original name and code.
  if (err.name === 'FormatError' && code) {
    return {
      payload: { code: 'BAD_FILE_FORMAT', message, details: { stage: 'format', class: 'FormatError', code, message } },
      internal: false,
    };
  }
  if (code && KNOWN_CODES.has(code) && code !== 'INTERNAL') {
    return { payload: { code: code as ApiErrorCode, message }, internal: false };
  }
  const system = code ? systemCode(code) : null;
  if (system) return { payload: { code: system, message }, internal: false };
  return { payload: { code: 'INTERNAL', message }, internal: true };
}
