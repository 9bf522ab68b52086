// examples.list, weights.load, model.openFile, model.exportNir, compile.run: the model editor's and inspector's channels.

import type { Services } from '../../services/compose.js';
import { exportModelNir, openModelFile } from '../../services/model-file-open.js';
import type { Handlers } from '../dispatcher.js';

export function compileHandlers(s: Services): Pick<Handlers, 'examples.list' | 'weights.load' | 'model.openFile' | 'model.exportNir' | 'compile.run'> {
  return {
    'examples.list': () => s.compiler.examples(),
    'weights.load': (req) => s.compiler.loadWeights(req.name, req.bytes),
    'model.openFile': (req) => openModelFile(s.compiler, req.name, req.bytes),
    'model.exportNir': (req) => exportModelNir(s.compiler, req.spec),
    'compile.run': async (req) => (await s.compiler.compileAsync(req.spec)).view,
  };
}
