// What one WebSocket connection may hold at once. ws keeps reading a socket while its
// earlier requests are still being handled, so without a budget one client could queue
// any number of 256 MiB uploads (or thousands of cheap requests) and take the host's
// memory from every other client. Beyond the budget a request is answered at once with
// BUDGET_EXCEEDED and its bytes are dropped, so what a connection holds stays bounded.

import { MAX_REQUEST_BYTES } from '../../preload/api.js';

export interface BudgetLimits {
  /** Requests of one connection being handled at the same time. */
  maxInFlight: number;
  /** Frame bytes of those requests together (their decoded payloads hold about as much). */
  maxInFlightBytes: number;
}

/**
 * 32 requests: far more than the UI ever has outstanding (a handful while compiling as
 * you type); bytes: two of the largest requests, so an upload can start while another
 * is still being stored.
 */
export const DEFAULT_BUDGET: BudgetLimits = { maxInFlight: 32, maxInFlightBytes: 2 * MAX_REQUEST_BYTES };

export class ConnectionBudget {
  private requests = 0;
  private bytes = 0;

  constructor(private readonly limits: BudgetLimits = DEFAULT_BUDGET) {}

  /** Takes room for one request of `frameBytes`; null when taken, else why not (for the reply). */
  acquire(frameBytes: number): string | null {
    if (this.requests >= this.limits.maxInFlight) {
      return `this connection already has ${this.requests} requests in progress (the limit is ${this.limits.maxInFlight}); wait for their replies before sending more`;
    }
    // One request alone is always let in when nothing else is running: the frame limit already bounds it.
    if (this.requests > 0 && this.bytes + frameBytes > this.limits.maxInFlightBytes) {
      const mib = (n: number) => `${Math.ceil(n / 1048576)} MiB`;
      return `this connection's requests in progress hold ${mib(this.bytes)} and this one ${mib(frameBytes)}; together they may hold ${mib(this.limits.maxInFlightBytes)}: wait for the earlier uploads to finish`;
    }
    this.requests++;
    this.bytes += frameBytes;
    return null;
  }

  release(frameBytes: number): void {
    this.requests--;
    this.bytes -= frameBytes;
  }

  inFlight(): { requests: number; bytes: number } {
    return { requests: this.requests, bytes: this.bytes };
  }
}
