// events.preview: an event file looked at before a run (its format; for a camera
// recording the raw and mapped event-count images). run.export and export.read: a
// recorded stream written as a file on the host and downloaded in pieces.

import type { Services } from '../../services/compose.js';
import { previewEventFile } from '../../services/event-preview.js';
import type { Handlers } from '../dispatcher.js';

export function eventHandlers(s: Services): Pick<Handlers, 'events.preview' | 'run.export' | 'export.read'> {
  return {
    'events.preview': (req) => previewEventFile(req),
    'run.export': (req) => s.exports.start(s.projects.require(), req),
    'export.read': (req) => s.exports.read(req.exportId, req.offset),
  };
}
