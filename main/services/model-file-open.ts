// A file the user opens or drops on the Model view, sorted by what it holds: a model the
// workbench can write model text for (a whole torch.save module, ONNX, NIR; its tensors
// become the bound weights), plain model text (.py), or weights only (safetensors, a
// state_dict, a checkpoint, TorchScript), which are bound to the model in the editor.
// The content decides, not the extension, so a state_dict saved as model.pt still binds.
// And the other way: the converted SNN of the editor's model written as a NIR file.

import type { ModelFileView, ModelSpec } from '../../preload/api.js';
import { FormatError } from '../formats/format-error.js';
import { importerFor } from '../formats/model-importers.js';
import { exportNir } from '../formats/nir/nir-export.js';
import { looksLikeTorchFile } from '../formats/torch/torch-archive.js';
import type { CompileService } from './compile-service.js';
import { looksLikeSafetensors } from './model-files.js';
import { ServiceError } from './service-error.js';

/** Torch files that hold tensors but no layers: bound as weights instead of refused. */
const WEIGHTS_ONLY = new Set(['NO_STATE_DICT', 'TORCHSCRIPT']);

export async function openModelFile(compiler: CompileService, name: string, bytes: Uint8Array): Promise<ModelFileView> {
  if (looksLikeSafetensors(bytes)) return asWeights(compiler, name, bytes, 'a safetensors file holds weights only');
  const importer = importerFor(bytes);
  if (importer) {
    try {
      const m = await importer.read(bytes);
      const weights = m.tensors.size > 0 ? compiler.loadTensors(name, m.tensors) : null;
      return { kind: 'model', name, format: m.format, source: m.modelText, weights, inputShape: m.inputShape ?? null, notes: m.notes };
    } catch (e) {
      if (e instanceof FormatError && looksLikeTorchFile(bytes) && WEIGHTS_ONLY.has(e.code)) {
        return asWeights(
          compiler,
          name,
          bytes,
          e.code === 'TORCHSCRIPT' ? 'a TorchScript archive: its tensors are used, the model text stays as it is' : 'a state_dict or checkpoint holds weights without layers',
        );
      }
      throw new ServiceError('BAD_INPUT_FILE', `${name}: ${(e as Error).message}`);
    }
  }
  return { kind: 'model', name, format: 'model text', source: modelText(name, bytes), weights: null, inputShape: null, notes: [] };
}

function asWeights(compiler: CompileService, name: string, bytes: Uint8Array, reason: string): ModelFileView {
  return { kind: 'weights', name, weights: compiler.loadWeights(name, bytes), reason };
}

function modelText(name: string, bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = '\0';
  }
  if (text.includes('\0')) {
    throw new ServiceError(
      'BAD_INPUT_FILE',
      `${name}: not a file the workbench reads as a model: open model text (.py with an nn.Sequential or nn.Module class), a torch.save file (.pt), ONNX (.onnx) or NIR (.nir); weights (.safetensors, state_dict .pt) are bound to the model in the editor`,
    );
  }
  return text.replace(/^\uFEFF/, '');
}

/** The converted SNN of the model in the editor as a NIR file (what `dcnn export --nir` writes). */
export async function exportModelNir(compiler: CompileService, spec: ModelSpec): Promise<{ bytes: Uint8Array; notes: string[]; chipLayers: number }> {
  const { result, view } = await compiler.compileAsync(spec);
  if (!result || result.layers.length === 0) {
    throw new ServiceError('COMPILE_FAILED', `nothing to export as NIR: the model did not convert${view.error ? ` (${view.error.message})` : ''}; fix it in the Model view first`);
  }
  try {
    const out = await exportNir(result);
    return { ...out, chipLayers: result.layers.length };
  } catch (e) {
    if (e instanceof FormatError) throw new ServiceError('BAD_FILE_FORMAT', `the model cannot be written as NIR: ${e.message}`);
    throw e;
  }
}
