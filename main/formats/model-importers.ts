// Model files as users have them (PyTorch module pickles, ONNX, NIR) turned into what
// the compiler takes: model text the workbench writes itself, plus the named tensors
// bound to that text. One table of importers, each recognising its files by content;
// the services pick the first that claims a file. This module reads bytes only: it
// opens no files and knows nothing of the CLI or the UI.

import type { ModelImporter } from './model-importer.js';
import { PYTORCH_IMPORTER } from './torch/pytorch-importer.js';
import { ONNX_IMPORTER } from './onnx/onnx-importer.js';
import { NIR_IMPORTER } from './nir/nir-importer.js';

export type { ImportedModel, ModelImporter } from './model-importer.js';

/** Every importer, in the order they are asked. Each format module adds its row here. */
export const MODEL_IMPORTERS: readonly ModelImporter[] = [
  PYTORCH_IMPORTER,
  ONNX_IMPORTER,
  NIR_IMPORTER,
];

export function importerFor(bytes: Uint8Array): ModelImporter | null {
  return MODEL_IMPORTERS.find((i) => i.claims(bytes)) ?? null;
}
