// events.preview: an event file looked at before a run (its format; for a camera
// recording the raw and mapped event-count images).

import { previewEventFile } from '../../services/event-preview.js';
import type { Handlers } from '../dispatcher.js';

export function eventHandlers(): Pick<Handlers, 'events.preview'> {
  return {
    'events.preview': (req) => previewEventFile(req),
  };
}
