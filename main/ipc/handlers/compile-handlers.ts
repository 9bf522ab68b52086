// examples.list, weights.load, compile.run: the model editor's and inspector's channels.

import type { Services } from '../../services/compose.js';
import type { Handlers } from '../dispatcher.js';

export function compileHandlers(s: Services): Pick<Handlers, 'examples.list' | 'weights.load' | 'compile.run'> {
  return {
    'examples.list': () => s.compiler.examples(),
    'weights.load': (req) => s.compiler.loadWeights(req.name, req.bytes),
    'compile.run': async (req) => (await s.compiler.compileAsync(req.spec)).view,
  };
}
