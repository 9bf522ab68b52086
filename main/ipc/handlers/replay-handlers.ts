// replay.* : playing a recorded stream back into the spike monitor.

import type { Services } from '../../services/compose.js';
import type { Handlers } from '../dispatcher.js';

export function replayHandlers(s: Services): Pick<Handlers, 'replay.start' | 'replay.control'> {
  return {
    'replay.start': (req) => s.replays.start(s.projects.require(), req),
    'replay.control': async (req) => {
      const { replayId, ...action } = req;
      await s.replays.control(replayId, action);
      return {};
    },
  };
}
