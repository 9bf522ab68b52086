// The MODEL_IMPORTERS row for PyTorch files: a whole pickled module tree (torch.save(model),
// or a checkpoint holding one) becomes model text plus its state_dict tensors. Files that
// hold weights only (state_dicts, checkpoints, TorchScript) are refused as models with
// what to do instead: give the model text and pass the file as the weights.

import { FormatError } from '../format-error.js';
import type { ImportedModel, ModelImporter } from '../model-importer.js';
import { moduleTreeText } from './module-text.js';
import { PickledObject } from './pickle-globals.js';
import { decodeTensor, looksLikeTorchFile } from './torch-archive.js';
import { decodeAll, isModule, readTorchContents, type TorchContents } from './torch-contents.js';

export function importTorchModel(bytes: Uint8Array): ImportedModel {
  const contents = readTorchContents(bytes);
  const { module, prefix } = moduleOf(contents);
  const scalar = (ref: Parameters<typeof decodeTensor>[1], name: string): number => {
    const t = decodeTensor(contents.archive, ref, name);
    if (t.data.length !== 1) throw new FormatError('torch', 'SHAPE_MISMATCH', `tensor "${name}" has ${t.data.length} values; a single number is expected`, { tensor: name });
    return t.data[0]!;
  };
  const { text, notes } = moduleTreeText(module, { scalar });
  const refs = new Map([...contents.tensorRefs].filter(([n]) => n.startsWith(prefix)).map(([n, r]) => [n.slice(prefix.length), r]));
  if (prefix !== '') notes.unshift(`model taken from the checkpoint's "${prefix.slice(0, -1)}" entry`);
  return { format: 'PyTorch module (torch.save)', modelText: text, tensors: decodeAll(contents.archive, refs), notes };
}

function moduleOf(c: TorchContents): { module: PickledObject; prefix: string } {
  if (c.kind === 'module' && c.archive.root instanceof PickledObject) return { module: c.archive.root, prefix: '' };
  if (c.kind === 'checkpoint' && c.archive.root instanceof Map) {
    const modules = [...c.archive.root].filter(([, v]) => isModule(v));
    if (modules.length === 1) return { module: modules[0]![1] as PickledObject, prefix: `${String(modules[0]![0])}.` };
  }
  if (c.kind === 'torchscript') {
    throw new FormatError(
      'torch',
      'TORCHSCRIPT',
      `this is a TorchScript archive (torch.jit.save / torch.jit.trace(...).save): its layer arguments live in compiled TorchScript code, which the workbench does not run, so it cannot write the model text from it. Its ${c.tensorRefs.size} tensors can be used as weights: give the model text and pass this file as the weights, or in Python save torch.save(model.state_dict(), path) (or torch.save(model, path) for a whole nn.Sequential)`,
      { tensors: c.tensorRefs.size },
    );
  }
  const what = c.kind === 'checkpoint' ? `a checkpoint dict (keys with tensors: ${c.candidates.map((x) => x.key).join(', ')})` : 'a state_dict';
  throw new FormatError(
    'torch',
    'NO_STATE_DICT',
    `this file holds ${what}: weights without the model's layers. Give the model text (an nn.Sequential .py file) and pass this file as the weights (--weights), or save the whole model with torch.save(model, path)`,
    { kind: c.kind },
  );
}

export const PYTORCH_IMPORTER: ModelImporter = {
  id: 'pytorch',
  claims: looksLikeTorchFile,
  read: (bytes) => Promise.resolve().then(() => importTorchModel(bytes)),
};
