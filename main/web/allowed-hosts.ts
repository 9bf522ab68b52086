// Which Host and Origin values the web host answers. A page of another site can make a
// browser send our token-less requests to us under its own name (DNS rebinding: the
// attacker's name resolves to 127.0.0.1), so the Host must be a name the server was
// started for, and a browser's Origin must be one of those names too. Never throws: every
// header is attacker-controlled text.

import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

export interface HostPolicy {
  /** The Host header names this server with its port. */
  allowsHost(header: string | undefined): boolean;
  /** An Origin header (present) is a page served by this server. */
  allowsOrigin(origin: string): boolean;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

// name or IPv4 (no ':' '/' '@' or spaces), or a bracketed IPv6 literal; then an optional port.
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[^\s:[\]/@?#\\]+)(?::(\d{1,5}))?$/i;

/** Lower case, IPv6 in brackets, no trailing dot: the form a Host header carries. */
export function normalizeHostName(name: string): string {
  const n = name.trim().toLowerCase().replace(/\.$/, '');
  return isIP(n) === 6 ? `[${n}]` : n;
}

export function isLoopbackHost(host: string): boolean {
  const n = normalizeHostName(host);
  return n === 'localhost' || n === '[::1]' || (isIP(n) === 4 && n.startsWith('127.'));
}

export function isWildcardHost(host: string): boolean {
  const n = normalizeHostName(host);
  return n === '0.0.0.0' || n === '[::]';
}

/** The machine's own addresses, looked up per request: DHCP may change them while the host runs. */
function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((a) => normalizeHostName(a.address));
}

/**
 * `listenHost` and `extraNames` (names the machine is reached by, which only the person
 * starting the host knows), each with the actual port; the loopback names too when bound
 * to loopback or to every interface; bound to every interface, also the machine's own
 * addresses (an IP literal cannot be rebound by someone else's DNS).
 */
export function hostPolicy(listenHost: string, port: number, extraNames: readonly string[] = []): HostPolicy {
  const wildcard = isWildcardHost(listenHost);
  const names = new Set([normalizeHostName(listenHost), ...extraNames.map(normalizeHostName)]);
  if (wildcard || isLoopbackHost(listenHost)) for (const n of LOOPBACK_NAMES) names.add(n);

  const allowsName = (name: string, givenPort: number): boolean => {
    if (givenPort !== port) return false;
    const n = normalizeHostName(name);
    return names.has(n) || (wildcard && interfaceAddresses().includes(n));
  };

  return {
    allowsHost(header) {
      const m = header === undefined ? null : HOST_HEADER.exec(header);
      if (!m) return false;
      return allowsName(m[1]!, m[2] === undefined ? 80 : Number(m[2]));
    },
    allowsOrigin(origin) {
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        return false; // `null` (sandboxed frames, file: pages) and anything else unparsable
      }
      if (url.protocol !== 'http:' || url.username !== '' || url.password !== '') return false;
      return allowsName(url.hostname, url.port === '' ? 80 : Number(url.port));
    },
  };
}

/** Header text fit for one log line: quoted, short, no control characters. */
export function forLog(value: string | undefined): string {
  return value === undefined ? '(none)' : JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value);
}
