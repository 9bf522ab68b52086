// Model files as users have them (PyTorch module pickles, ONNX, NIR) turned into what
// the compiler takes: model text the workbench writes itself, plus the named tensors
// bound to that text. One table of importers, each recognising its files by content;
// the services pick the first that claims a file. This module reads bytes only: it
// opens no files and knows nothing of the CLI or the UI.

import type { Tensor } from './tensor.js';
import { PYTORCH_IMPORTER } from './torch/pytorch-importer.js';
import { ONNX_IMPORTER } from './onnx/onnx-importer.js';
import { NIR_IMPORTER } from './nir/nir-importer.js';

/** What an importer understood of a model file. */
export interface ImportedModel {
  /** Short format name shown to the user, e.g. "PyTorch module (torch.save)", "ONNX opset 13", "NIR". */
  format: string;
  /**
   * Model text in the form the parser reads (`nn.Sequential(...)`, or the `nn.Module`
   * class form for graphs), written so that a user can read and edit what was understood.
   */
  modelText: string;
  /** Tensors named as the model text's parameters expect them (state_dict names). */
  tensors: Map<string, Tensor>;
  /** Input shape [C, H, W] when the file states it (ONNX inputs, NIR Input nodes). */
  inputShape?: [number, number, number];
  /** Things the user should know: what was folded, dropped or assumed. */
  notes: string[];
}

export interface ModelImporter {
  /** Key used in messages and options, e.g. "pytorch", "onnx", "nir". */
  readonly id: string;
  /** True when the bytes are this importer's format (magic numbers, container layout). */
  claims(bytes: Uint8Array): boolean;
  /** Reads the model; throws a FormatError (./format-error.js) saying what was wrong and what to do. */
  read(bytes: Uint8Array): Promise<ImportedModel>;
}

/** Every importer, in the order they are asked. Each format module adds its row here. */
export const MODEL_IMPORTERS: readonly ModelImporter[] = [
  PYTORCH_IMPORTER,
  ONNX_IMPORTER,
  NIR_IMPORTER,
];

export function importerFor(bytes: Uint8Array): ModelImporter | null {
  return MODEL_IMPORTERS.find((i) => i.claims(bytes)) ?? null;
}
