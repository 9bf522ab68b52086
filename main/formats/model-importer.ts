// What one model importer is and gives back; the table of importers (./model-importers.ts)
// lists them, and each format module implements this without importing the table.

import type { Tensor } from './tensor.js';

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
