// The desktop app's security decisions as pure functions: which URLs the window may show,
// which browser permissions the page gets, which links may leave for the system browser,
// and the renderer's Content-Security-Policy. Electron is not imported, so every decision
// is unit-tested in plain Node; main/electron-guards.ts connects them to Electron's hooks.

/** The renderer is served from this privileged custom scheme by app.ts. */
export const APP_SCHEME = 'workbench';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Whether `url` is a page of the app itself. Compared by parts, not by string prefix:
 * Node (and WHATWG) give custom schemes an opaque "null" origin, and a prefix test would
 * let `workbench://app@evil/` or `workbench://app.evil/` through.
 */
export function isAppUrl(url: string, appOrigin: string = APP_ORIGIN): boolean {
  const u = parse(url);
  const app = parse(appOrigin);
  if (!u || !app) return false;
  return u.protocol === app.protocol && u.host === app.host && u.username === '' && u.password === '';
}

/**
 * Navigation, redirects and frame navigation all stay inside the app: the UI is one page
 * and has no reason to show anything else, and a page that is not ours must never get
 * the preload's IPC bridge.
 */
export function navigationAllowed(url: string, appOrigin: string = APP_ORIGIN): boolean {
  return isAppUrl(url, appOrigin);
}

/**
 * The permissions the UI uses: Monaco's context-menu Copy/Cut write and its Paste reads
 * through the async clipboard API. Everything else (camera, microphone, notifications,
 * geolocation, WebUSB/HID/serial, external protocols, ...) is refused: the devkits are
 * driven from the main process, never from the page.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-read', 'clipboard-sanitized-write']);

export interface PermissionDetails {
  /** The page asking; the check handler may only know the origin. */
  requestingUrl?: string | undefined;
  isMainFrame?: boolean | undefined;
}

/** Only the app's own top-level page may hold a permission, and only an allowed one. */
export function permissionAllowed(permission: string, details: PermissionDetails, appOrigin: string = APP_ORIGIN): boolean {
  if (!ALLOWED_PERMISSIONS.has(permission)) return false;
  if (details.isMainFrame !== true) return false;
  return details.requestingUrl !== undefined && isAppUrl(details.requestingUrl, appOrigin);
}

export interface ExternalSite {
  host: string;
  /** Path the link must be under; whole segments, so /synsense/sinabs does not admit /synsense/sinabs-evil. */
  pathPrefix: string;
  why: string;
}

/**
 * The only places the app sends the user to. Kept short on purpose: each entry is a page
 * the UI's help links point at, and adding one is a reviewed change to this list.
 */
export const EXTERNAL_SITES: readonly ExternalSite[] = [
  { host: 'sinabs.readthedocs.io', pathPrefix: '/', why: 'sinabs documentation, including its DYNAP-CNN backend' },
  { host: 'synsense-sys-int.gitlab.io', pathPrefix: '/samna', why: 'samna documentation (the devkit driver library)' },
  { host: 'github.com', pathPrefix: '/synsense/sinabs', why: 'sinabs source, releases and issues' },
];

// Longer URLs are not help links; refusing them keeps odd inputs away from the OS handler.
const MAX_EXTERNAL_URL_LENGTH = 2048;

function underPrefix(pathname: string, prefix: string): boolean {
  if (prefix.endsWith('/')) return pathname.startsWith(prefix);
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

/**
 * The URL to hand to `shell.openExternal`, or null when it is not allowed. The answer is
 * the parsed and re-serialised URL, so the OS opens exactly what was checked (no
 * whitespace, case or dot-segment differences between check and use).
 */
export function externalUrlToOpen(url: string): string | null {
  if (url.length > MAX_EXTERNAL_URL_LENGTH) return null;
  const u = parse(url);
  if (!u || u.protocol !== 'https:') return null;
  // Userinfo is how `https://github.com@evil.example/` looks like GitHub; a port is never in our links.
  if (u.username !== '' || u.password !== '' || u.port !== '') return null;
  const site = EXTERNAL_SITES.find((s) => s.host === u.hostname && underPrefix(u.pathname, s.pathPrefix));
  return site ? u.href : null;
}

export function externalUrlAllowed(url: string): boolean {
  return externalUrlToOpen(url) !== null;
}

/**
 * The desktop renderer's CSP: the shared policy with `connect-src` narrowed to the app's
 * own origin. In Electron the UI talks over IPC, so it has nothing to connect to; the web
 * host keeps the shared policy because its page needs its WebSocket.
 */
export function electronContentSecurityPolicy(shared: string): string {
  const directives = shared.split(';').map((d) => d.trim());
  const at = directives.findIndex((d) => d.split(/\s+/)[0] === 'connect-src');
  // Without a connect-src the page would fall back to default-src; fail loudly instead of guessing.
  if (at < 0) throw new Error('the shared Content-Security-Policy has no connect-src directive');
  directives[at] = "connect-src 'self'";
  return directives.join('; ');
}
