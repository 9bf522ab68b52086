// The desktop app's security decisions (issue 15, item 12), each with what it lets through
// and the tricks it must refuse: other schemes, look-alike hosts, userinfo, ports.

import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../main/common/content-security-policy.js';
import {
  ALLOWED_PERMISSIONS,
  APP_ORIGIN,
  EXTERNAL_SITES,
  electronContentSecurityPolicy,
  externalUrlAllowed,
  externalUrlToOpen,
  isAppUrl,
  navigationAllowed,
  permissionAllowed,
} from '../../../main/electron-security.js';

const NOT_THE_APP = [
  'file:///etc/passwd',
  'http://app/index.html',
  'https://app/index.html',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'about:blank',
  'blob:workbench://app/1234',
  'workbench://app.evil.example/index.html',
  'workbench://evil.example/index.html',
  'workbench://app@evil.example/index.html',
  'workbench://user:pw@app/index.html',
  'workbench://app:8080/index.html',
  'workbenchx://app/index.html',
  'https://github.com/synsense/sinabs',
  '',
  'not a url',
];

describe('navigationAllowed', () => {
  it('allows the pages of the app itself', () => {
    expect(APP_ORIGIN).toBe('workbench://app');
    for (const url of ['workbench://app/index.html', 'workbench://app/', 'workbench://app', 'workbench://app/assets/x.js?v=1#top', 'WORKBENCH://app/index.html']) {
      expect(navigationAllowed(url), url).toBe(true);
    }
  });
  it('refuses every other scheme, host, userinfo and port', () => {
    for (const url of NOT_THE_APP) expect(navigationAllowed(url), url).toBe(false);
  });
  it('judges against the origin it is given', () => {
    expect(navigationAllowed('workbench://other/index.html', 'workbench://other')).toBe(true);
    expect(navigationAllowed('workbench://app/index.html', 'workbench://other')).toBe(false);
    expect(isAppUrl('workbench://app/index.html', 'not a url')).toBe(false);
  });
});

describe('permissionAllowed', () => {
  const fromApp = { requestingUrl: 'workbench://app/index.html', isMainFrame: true };
  it('grants the clipboard (Monaco copy, cut and paste) to the app page', () => {
    expect([...ALLOWED_PERMISSIONS].sort()).toEqual(['clipboard-read', 'clipboard-sanitized-write']);
    expect(permissionAllowed('clipboard-sanitized-write', fromApp)).toBe(true);
    expect(permissionAllowed('clipboard-read', fromApp)).toBe(true);
    // The check handler may know only the origin.
    expect(permissionAllowed('clipboard-read', { requestingUrl: 'workbench://app', isMainFrame: true })).toBe(true);
  });
  it('refuses everything else, even to the app page', () => {
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'usb',
      'hid',
      'serial',
      'fullscreen',
      'pointerLock',
      'display-capture',
      'deprecated-sync-clipboard-read',
      'fileSystem',
      'unknown',
      '',
    ]) {
      expect(permissionAllowed(p, fromApp), p).toBe(false);
    }
  });
  it('refuses the clipboard to any other page, to subframes and to requests with no page', () => {
    for (const url of NOT_THE_APP) expect(permissionAllowed('clipboard-read', { requestingUrl: url, isMainFrame: true }), url).toBe(false);
    expect(permissionAllowed('clipboard-read', { ...fromApp, isMainFrame: false })).toBe(false);
    expect(permissionAllowed('clipboard-read', { requestingUrl: fromApp.requestingUrl })).toBe(false);
    expect(permissionAllowed('clipboard-read', { isMainFrame: true })).toBe(false);
  });
});

describe('externalUrlAllowed', () => {
  it('keeps the allow-list short and says why each entry is there', () => {
    expect(EXTERNAL_SITES.length).toBeLessThanOrEqual(5);
    for (const s of EXTERNAL_SITES) expect(s.why.length).toBeGreaterThan(10);
  });
  it('opens the documentation and GitHub pages of sinabs and samna', () => {
    for (const url of [
      'https://sinabs.readthedocs.io/',
      'https://sinabs.readthedocs.io/en/v3.0.0/speck/overview.html',
      'https://synsense-sys-int.gitlab.io/samna/',
      'https://synsense-sys-int.gitlab.io/samna/install.html',
      'https://github.com/synsense/sinabs',
      'https://github.com/synsense/sinabs/issues?q=dynapcnn',
      'https://GitHub.com/synsense/sinabs/',
      'https://github.com:443/synsense/sinabs',
    ]) {
      expect(externalUrlAllowed(url), url).toBe(true);
    }
  });
  it('refuses other schemes', () => {
    for (const url of [
      'http://sinabs.readthedocs.io/',
      'file:///C:/Windows/System32/calc.exe',
      'javascript:alert(1)',
      'data:text/html,hi',
      'ftp://github.com/synsense/sinabs',
      'smb://evil.example/share',
      'ms-msdt:/id PCWDiagnostic',
      'workbench://app/index.html',
      'not a url',
      '',
    ]) {
      expect(externalUrlAllowed(url), url).toBe(false);
    }
  });
  it('refuses other hosts, look-alikes, userinfo tricks and ports', () => {
    for (const url of [
      'https://evil.example/',
      'https://github.com.evil.example/synsense/sinabs',
      'https://evilgithub.com/synsense/sinabs',
      'https://sinabs.readthedocs.io.evil.example/',
      'https://github.com@evil.example/synsense/sinabs',
      'https://github.com:pw@evil.example/synsense/sinabs',
      'https://user@github.com/synsense/sinabs',
      'https://github.com:8443/synsense/sinabs',
      'https://github.com./synsense/sinabs',
      'https://xn--gthub-n4a.com/synsense/sinabs',
      'https://gitlab.io/samna/',
      'https://other.gitlab.io/samna/',
    ]) {
      expect(externalUrlAllowed(url), url).toBe(false);
    }
  });
  it('refuses other paths of shared hosts, by whole path segments', () => {
    for (const url of [
      'https://github.com/',
      'https://github.com/synsense/sinabs-evil',
      'https://github.com/synsense/sinabs/../../evil/repo',
      'https://github.com/synsense/sinabs/%2e%2e/%2e%2e/evil/repo',
      'https://github.com/evil/synsense/sinabs',
      'https://synsense-sys-int.gitlab.io/samnaevil/',
      'https://synsense-sys-int.gitlab.io/other/',
    ]) {
      expect(externalUrlAllowed(url), url).toBe(false);
    }
  });
  it('hands the OS the normalised URL it checked, and refuses very long ones', () => {
    expect(externalUrlToOpen('  https://GITHUB.com/synsense/sinabs/./x  ')).toBe('https://github.com/synsense/sinabs/x');
    expect(externalUrlToOpen(`https://sinabs.readthedocs.io/${'a'.repeat(3000)}`)).toBeNull();
  });
});

describe('electronContentSecurityPolicy', () => {
  const csp = electronContentSecurityPolicy(CONTENT_SECURITY_POLICY);
  const directives = (policy: string) => policy.split(';').map((d) => d.trim());
  it('lets the desktop renderer connect to its own origin only (it uses IPC)', () => {
    expect(directives(csp)).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/\bwss?:/);
  });
  it('keeps every other directive of the shared policy, which the web host still serves as is', () => {
    const others = (policy: string) => directives(policy).filter((d) => !d.startsWith('connect-src'));
    expect(others(csp)).toEqual(others(CONTENT_SECURITY_POLICY));
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'self' ws: wss:");
  });
  it('fails loudly on a policy without connect-src rather than guessing', () => {
    expect(() => electronContentSecurityPolicy("default-src 'self'")).toThrow(/connect-src/);
  });
});
