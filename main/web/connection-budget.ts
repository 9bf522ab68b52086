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

/** What all connections of one host may hold together. */
export interface HostLimits {
  /** Open WebSocket connections; more are refused at the upgrade (503). */
  maxConnections: number;
  /** Frame bytes of the requests in progress on all connections together. */
  maxInFlightBytes: number;
}

/**
 * 16 connections: a lab PC's browser tabs and scripts, far below what would exhaust the
 * host; bytes: four of the largest requests, so a few clients can upload at once while
 * the host's memory stays bounded whatever the number of clients.
 */
export const DEFAULT_HOST_LIMITS: HostLimits = { maxConnections: 16, maxInFlightBytes: 4 * MAX_REQUEST_BYTES };

/** The bytes all connections' requests in progress hold, shared by their budgets. */
export class HostBudget {
  bytes = 0;
  constructor(readonly limits: HostLimits = DEFAULT_HOST_LIMITS) {}
}

const mib = (n: number) => `${Math.ceil(n / 1048576)} MiB`;

export class ConnectionBudget {
  private requests = 0;
  private bytes = 0;

  constructor(
    private readonly limits: BudgetLimits = DEFAULT_BUDGET,
    private readonly host: HostBudget = new HostBudget(),
  ) {}

  /** Takes room for one request of `frameBytes`; null when taken, else why not (for the reply). */
  acquire(frameBytes: number): string | null {
    if (this.requests >= this.limits.maxInFlight) {
      return `this connection already has ${this.requests} requests in progress (the limit is ${this.limits.maxInFlight}); wait for their replies before sending more`;
    }
    if (this.host.bytes > 0 && this.host.bytes + frameBytes > this.host.limits.maxInFlightBytes) {
      return `the requests in progress of all clients hold ${mib(this.host.bytes)} and this one ${mib(frameBytes)}; together they may hold ${mib(this.host.limits.maxInFlightBytes)}: try again when other uploads have finished`;
    }
    // One request alone is always let in when nothing else is running: the frame limit already bounds it.
    if (this.requests > 0 && this.bytes + frameBytes > this.limits.maxInFlightBytes) {
      return `this connection's requests in progress hold ${mib(this.bytes)} and this one ${mib(frameBytes)}; together they may hold ${mib(this.limits.maxInFlightBytes)}: wait for the earlier uploads to finish`;
    }
    this.requests++;
    this.bytes += frameBytes;
    this.host.bytes += frameBytes;
    return null;
  }

  release(frameBytes: number): void {
    this.requests--;
    this.bytes -= frameBytes;
    this.host.bytes -= frameBytes;
  }

  inFlight(): { requests: number; bytes: number } {
    return { requests: this.requests, bytes: this.bytes };
  }
}
