// The ONNX row of the model-importer table: recognises a serialized ModelProto by its
// first protobuf fields and decodes it with onnx-proto (protobufjs). The graph itself is
// read by onnx-graph.ts. Nothing here touches files.

import { FormatError } from '../format-error.js';
import type { ImportedModel, ModelImporter } from '../model-importer.js';
import { importOnnxGraph } from './onnx-graph.js';
import { int64, onnx } from './onnx-proto-values.js';

// ModelProto field tags as writers emit them in field order: ir_version (1, varint) first,
// then producer_name (2), producer_version (3), domain (4), model_version (5), doc_string (6),
// graph (7) or opset_import (8).
const SECOND_FIELD_TAGS = new Set([0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42]);

export function claimsOnnx(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0x08 && bytes[1]! >= 1 && bytes[1]! <= 20 && SECOND_FIELD_TAGS.has(bytes[2]!);
}

export function readOnnx(bytes: Uint8Array): ImportedModel {
  let model: ReturnType<typeof onnx.ModelProto.decode>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    // protobufjs reports a cut or damaged message as a RangeError/Error with its byte offset in the text.
    const why = e instanceof Error ? e.message : String(e);
    throw new FormatError('onnx', 'TRUNCATED', `The ONNX file cannot be decoded (${why}): it is truncated or damaged. Export it again with torch.onnx.export.`, { bytes: bytes.length });
  }
  const opsets = model.opsetImport ?? [];
  const main = opsets.find((o) => !o.domain || o.domain === 'ai.onnx');
  const opset = main ? int64(main.version, 'opset version') : 0;
  if (opset !== 0 && (opset < 7 || opset > 21)) {
    throw new FormatError('onnx', 'BAD_VERSION', `The file uses ONNX opset ${opset}; this reader knows opsets 7 to 21 (torch.onnx.export writes 11 to 17 by default).`, { opset });
  }
  return importOnnxGraph(model.graph, opset);
}

export const ONNX_IMPORTER: ModelImporter = {
  id: 'onnx',
  claims: claimsOnnx,
  read: (bytes) => Promise.resolve().then(() => readOnnx(bytes)),
};
