// app.info and settings.* : what the UI needs to know about the app and its preferences.

import type { SettingsView } from '../../../preload/api.js';
import type { Services } from '../../services/compose.js';
import type { Handlers } from '../dispatcher.js';

function settingsView(s: Services): SettingsView {
  return {
    theme: s.appDb.getSetting('ui.theme'),
    defaultChip: s.appDb.getSetting('ui.defaultChip'),
    compileDebounceMs: s.appDb.getSetting('ui.compileDebounceMs'),
  };
}

export function appHandlers(s: Services): Pick<Handlers, 'app.info' | 'settings.get' | 'settings.set'> {
  return {
    'app.info': () => s.info,
    'settings.get': () => settingsView(s),
    'settings.set': (req) => {
      if (req.theme !== undefined) s.appDb.setSetting('ui.theme', req.theme);
      if (req.defaultChip !== undefined) s.appDb.setSetting('ui.defaultChip', req.defaultChip);
      if (req.compileDebounceMs !== undefined) s.appDb.setSetting('ui.compileDebounceMs', req.compileDebounceMs);
      return settingsView(s);
    },
  };
}
