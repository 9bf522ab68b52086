// The dispatcher behind the contract: every channel's handler over the composed services,
// with validation and error replies (./dispatcher.ts). The desktop app and the web host
// each build one over the same services; the CLI needs none.

import type { Services } from '../services/compose.js';
import { createDispatcher, type Dispatcher, type Handlers } from './dispatcher.js';
import { appHandlers } from './handlers/app-handlers.js';
import { compileHandlers } from './handlers/compile-handlers.js';
import { deviceHandlers } from './handlers/device-handlers.js';
import { evalHandlers } from './handlers/eval-handlers.js';
import { eventHandlers } from './handlers/event-handlers.js';
import { projectHandlers } from './handlers/project-handlers.js';
import { replayHandlers } from './handlers/replay-handlers.js';
import { runHandlers } from './handlers/run-handlers.js';

export function createWorkbenchDispatcher(services: Services, log: (message: string) => void): Dispatcher {
  const handlers: Handlers = {
    ...appHandlers(services),
    ...compileHandlers(services),
    ...deviceHandlers(services),
    ...projectHandlers(services),
    ...eventHandlers(services),
    ...runHandlers(services),
    ...replayHandlers(services),
    ...evalHandlers(services),
  };
  return createDispatcher(handlers, log);
}
