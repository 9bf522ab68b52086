// The wiring of the security decisions to Electron's hooks, driven through fakes of the
// session and webContents shapes (no Electron binary here): each hook is registered, and
// what it does when Electron calls it.

import { describe, expect, it, vi } from 'vitest';
import { guardContents, guardSession, type NavigationEventLike, type SessionLike } from '../../../main/electron-guards.js';

const ORIGIN = 'workbench://app';

function fakeSession() {
  const handlers: {
    request?: Parameters<SessionLike['setPermissionRequestHandler']>[0];
    check?: Parameters<SessionLike['setPermissionCheckHandler']>[0];
    device?: Parameters<SessionLike['setDevicePermissionHandler']>[0];
  } = {};
  const session: SessionLike = {
    setPermissionRequestHandler: (h) => void (handlers.request = h),
    setPermissionCheckHandler: (h) => void (handlers.check = h),
    setDevicePermissionHandler: (h) => void (handlers.device = h),
  };
  return { session, handlers };
}

function fakeContents() {
  const listeners = new Map<string, (event: NavigationEventLike) => void>();
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  const contents = {
    on(event: string, listener: (event: NavigationEventLike) => void) {
      listeners.set(event, listener);
      return contents;
    },
    setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }) {
      openHandler = handler;
    },
  };
  /** Emits `event` as Electron would; answers whether the listener prevented it. */
  const emit = (event: string, url: string): boolean => {
    let prevented = false;
    listeners.get(event)!({ url, preventDefault: () => void (prevented = true) });
    return prevented;
  };
  return { contents, listeners, emit, open: (url: string) => openHandler!({ url }) };
}

describe('guardSession', () => {
  it('answers permission requests: the clipboard for the app page, nothing else', () => {
    const { session, handlers } = fakeSession();
    guardSession(session, ORIGIN);
    const ask = (permission: string, requestingUrl: string, isMainFrame = true) => {
      const callback = vi.fn();
      handlers.request!(null, permission, callback, { requestingUrl, isMainFrame });
      expect(callback).toHaveBeenCalledOnce();
      return callback.mock.calls[0]![0] as boolean;
    };
    expect(ask('clipboard-sanitized-write', `${ORIGIN}/index.html`)).toBe(true);
    expect(ask('clipboard-read', `${ORIGIN}/index.html`)).toBe(true);
    expect(ask('clipboard-read', `${ORIGIN}/index.html`, false)).toBe(false);
    expect(ask('clipboard-read', 'https://evil.example/')).toBe(false);
    expect(ask('media', `${ORIGIN}/index.html`)).toBe(false);
    expect(ask('notifications', `${ORIGIN}/index.html`)).toBe(false);
    expect(ask('openExternal', `${ORIGIN}/index.html`)).toBe(false);
  });
  it('answers permission checks the same way, from the origin when no URL is given', () => {
    const { session, handlers } = fakeSession();
    guardSession(session, ORIGIN);
    expect(handlers.check!(null, 'clipboard-read', ORIGIN, { isMainFrame: true })).toBe(true);
    expect(handlers.check!(null, 'clipboard-read', 'https://evil.example', { isMainFrame: true })).toBe(false);
    expect(handlers.check!(null, 'clipboard-read', ORIGIN, { requestingUrl: 'file:///x.html', isMainFrame: true })).toBe(false);
    for (const p of ['usb', 'hid', 'serial', 'geolocation', 'media']) expect(handlers.check!(null, p, ORIGIN, { isMainFrame: true }), p).toBe(false);
  });
  it('refuses every WebUSB / HID / serial device grant', () => {
    const { session, handlers } = fakeSession();
    guardSession(session, ORIGIN);
    expect(handlers.device!({ deviceType: 'usb', origin: ORIGIN })).toBe(false);
  });
});

describe('guardContents', () => {
  const setup = () => {
    const fake = fakeContents();
    const openExternal = vi.fn(async (_url: string) => {});
    const log = vi.fn();
    guardContents(fake.contents, ORIGIN, openExternal, log);
    return { ...fake, openExternal, log };
  };

  it('registers will-navigate, will-redirect, will-frame-navigate, will-attach-webview and a window-open handler', () => {
    const { listeners, open } = setup();
    expect([...listeners.keys()].sort()).toEqual(['will-attach-webview', 'will-frame-navigate', 'will-navigate', 'will-redirect']);
    expect(open(`${ORIGIN}/index.html`)).toEqual({ action: 'deny' });
  });
  it('lets navigations, redirects and frame navigations inside the app go ahead', () => {
    const { emit } = setup();
    for (const event of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
      expect(emit(event, `${ORIGIN}/index.html`), event).toBe(false);
    }
  });
  it('stops them anywhere else, the same for all three', () => {
    const { emit, openExternal, log } = setup();
    for (const event of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
      for (const url of ['https://evil.example/', 'file:///etc/passwd', 'http://127.0.0.1:8080/', 'javascript:alert(1)', 'data:text/html,x', 'workbench://app@evil.example/']) {
        expect(emit(event, url), `${event} ${url}`).toBe(true);
      }
    }
    expect(openExternal).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalled();
  });
  it('opens an allow-listed help link clicked in the page outside, but never a redirect or frame target', () => {
    const { emit, openExternal } = setup();
    expect(emit('will-redirect', 'https://github.com/synsense/sinabs')).toBe(true);
    expect(emit('will-frame-navigate', 'https://github.com/synsense/sinabs')).toBe(true);
    expect(openExternal).not.toHaveBeenCalled();
    expect(emit('will-navigate', 'https://github.com/synsense/sinabs')).toBe(true);
    expect(openExternal).toHaveBeenCalledExactlyOnceWith('https://github.com/synsense/sinabs');
  });
  it('never attaches a <webview>', () => {
    const { emit } = setup();
    expect(emit('will-attach-webview', `${ORIGIN}/index.html`)).toBe(true);
  });
  it('opens no window: allow-listed https links go to the system browser (normalised), all else nowhere', () => {
    const { open, openExternal } = setup();
    expect(open('https://sinabs.readthedocs.io/en/latest/')).toEqual({ action: 'deny' });
    expect(open('https://GITHUB.com/synsense/sinabs')).toEqual({ action: 'deny' });
    for (const url of ['http://sinabs.readthedocs.io/', 'https://github.com.evil.example/', 'https://github.com@evil.example/', 'file:///bin/sh', 'javascript:alert(1)', 'https://evil.example/']) {
      expect(open(url), url).toEqual({ action: 'deny' });
    }
    expect(openExternal.mock.calls).toEqual([['https://sinabs.readthedocs.io/en/latest/'], ['https://github.com/synsense/sinabs']]);
  });
  it('logs, rather than throws, when the OS cannot open a link', async () => {
    const fake = fakeContents();
    const log = vi.fn();
    guardContents(fake.contents, ORIGIN, () => Promise.reject(new Error('no browser')), log);
    fake.open('https://github.com/synsense/sinabs');
    await vi.waitFor(() => expect(log).toHaveBeenCalledWith(expect.stringContaining('no browser')));
  });
});
