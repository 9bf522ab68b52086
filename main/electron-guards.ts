// Connects the decisions of ./electron-security.ts to Electron's session and webContents
// hooks. Electron is not imported: app.ts passes the real session, webContents and
// shell.openExternal, and the unit tests pass fakes of the same shapes, so the wiring
// (not only the decisions) is tested without an Electron binary.

import { externalUrlToOpen, navigationAllowed, permissionAllowed, type PermissionDetails } from './electron-security.js';

export interface SessionLike {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void, details: PermissionDetails) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string, requestingOrigin: string, details: PermissionDetails) => boolean): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
}

export interface NavigationEventLike {
  url: string;
  preventDefault(): void;
}

export interface PreventableEventLike {
  preventDefault(): void;
}

// One overload per event, as Electron declares them, so its WebContents is assignable.
export interface GuardedContentsLike {
  on(event: 'will-navigate', listener: (event: NavigationEventLike) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEventLike) => void): unknown;
  on(event: 'will-frame-navigate', listener: (event: NavigationEventLike) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEventLike) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export type OpenExternal = (url: string) => Promise<void>;

/** Permissions for every page of the session: only the app's own page gets the few it uses. */
export function guardSession(session: SessionLike, appOrigin: string): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(permissionAllowed(permission, details, appOrigin));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    // The check may come with only an origin; the origin is then what is judged.
    permissionAllowed(permission, { requestingUrl: details.requestingUrl ?? requestingOrigin, isMainFrame: details.isMainFrame }, appOrigin),
  );
  // WebUSB/HID/serial grants would hand the devkits to page script; main drives them.
  session.setDevicePermissionHandler(() => false);
}

/**
 * The window never leaves the app: navigations, server redirects and subframe navigations
 * to anything else are stopped, no window or <webview> is ever opened, and only
 * allow-listed https links go to the system browser.
 */
export function guardContents(contents: GuardedContentsLike, appOrigin: string, openExternal: OpenExternal, log: (message: string) => void): void {
  const openOutside = (url: string): void => {
    const external = externalUrlToOpen(url);
    if (external) openExternal(external).catch((e: unknown) => log(`cannot open ${external}: ${(e as Error).message}`));
    else log(`opening ${url} refused (not an allow-listed https link)`);
  };
  const stopForeign = (what: string, orOpenOutside: boolean) => (event: NavigationEventLike) => {
    if (navigationAllowed(event.url, appOrigin)) return;
    event.preventDefault();
    // A help link clicked without target=_blank is still the user's click: same allow-list.
    if (orOpenOutside) openOutside(event.url);
    else log(`${what} to ${event.url} refused`);
  };
  contents.on('will-navigate', stopForeign('navigation', true));
  // Redirects and subframes are not user clicks: stopped, never opened outside.
  contents.on('will-redirect', stopForeign('redirect', false));
  contents.on('will-frame-navigate', stopForeign('frame navigation', false));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
}
