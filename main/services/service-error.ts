// The error a service raises on purpose: a stable code and a message a person can act
// on, both reaching the UI (through the dispatcher) and the CLI as they are. Services
// throw it; the transports only carry it.

import type { ApiErrorCode, ApiErrorPayload } from '../../preload/api.js';

export class ServiceError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: ApiErrorPayload['details'],
  ) {
    super(message);
  }
}
