// Events the services publish for every connected UI (the contract's event streams).
// Transports subscribe once and forward; services never know who is listening.

import type { EventChannel, EventOf } from '../../preload/api.js';

type Listener = (channel: EventChannel, payload: unknown) => void;

export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit<C extends EventChannel>(channel: C, payload: EventOf<C>): void {
    for (const l of this.listeners) {
      try {
        l(channel, payload);
      } catch {
        // A failing transport must not stop the others or the service that emitted.
      }
    }
  }

  /** Every event on every channel; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
