// The Model view's "Open model file…" / drop (IPC model.openFile) with the real files the
// real tools wrote (test/fixtures/real/models): a whole torch.save module, ONNX and NIR
// give model text, their tensors as weights and (ONNX, NIR) the input shape, and the
// result compiles to LeNet's 5 chip layers; weights-only files (state_dict, checkpoint,
// TorchScript, safetensors) come back as weights to bind; plain text is model text; a
// binary that is none of these is a BAD_INPUT_FILE error saying what can be opened.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ModelFileView, ModelSpec } from '../../../preload/api.js';
import { ServiceError } from '../../../main/services/service-error.js';
import { CompileService } from '../../../main/services/compile-service.js';
import { openModelFile } from '../../../main/services/model-file-open.js';
import { packageRoot } from '../../../main/services/package-root.js';
import { realBytes, realExpected } from '../../helpers/real-models.js';

const service = new CompileService('/nonexistent-examples');
const LENET_TENSORS = ['0.weight', '3.weight', '6.weight', '10.weight', '12.weight'];

function specOf(v: Extract<ModelFileView, { kind: 'model' }>): ModelSpec {
  return { source: v.source, weightsId: v.weights?.id ?? null, inputShape: v.inputShape ?? [1, 28, 28], chip: 'speck2fdevkit', ordering: 'auto', monitorLayers: [-1], configPatch: '' };
}

async function model(file: string): Promise<Extract<ModelFileView, { kind: 'model' }>> {
  const v = await openModelFile(service, file, realBytes(file));
  if (v.kind !== 'model') throw new Error(`${file} came back as ${v.kind}`);
  return v;
}

describe('model.openFile: models', () => {
  it('a whole torch.save module: the model text torch printed, its five tensors bound, and it compiles', async () => {
    const v = await model('lenet_seed_28.module.pt');
    expect(v.format).toBe('PyTorch module (torch.save)');
    expect(v.source.trim()).toBe(String(realExpected('lenet_seed_28.module.pt')['model_text']).trim());
    // Stored as safetensors, which lists tensors by name.
    expect(v.weights!.tensors.map((t) => t.name).sort()).toEqual([...LENET_TENSORS].sort());
    expect(v.inputShape).toBeNull();
    const { view } = service.compile(specOf(v));
    expect(view.error).toBeNull();
    expect(view.chipLayers).toHaveLength(5);
    expect(view.weightsSource).toBe('file');
  });

  it('ONNX (opset 13 and 17) and NIR: model text, tensors, the input shape the file states, 5 chip layers', async () => {
    for (const file of ['lenet_seed_28.opset13.onnx', 'lenet_seed_28.opset17.onnx', 'lenet_seed_28.nir']) {
      const v = await model(file);
      expect(v.format, file).toMatch(file.endsWith('.nir') ? /NIR/ : /ONNX/);
      expect(v.source, file).toMatch(/nn\.(Sequential|Module)/);
      expect(v.inputShape, file).toEqual([1, 28, 28]);
      expect(v.weights!.tensors.length, file).toBeGreaterThanOrEqual(5);
      const { view } = service.compile(specOf(v));
      expect(view.error, file).toBeNull();
      expect(view.chipLayers, file).toHaveLength(5);
    }
  });

  it('model text (.py) comes back as it is, without a byte-order mark and with no weights', async () => {
    const text = readFileSync(`${packageRoot()}/examples/lenet/model.py`, 'utf8');
    const v = await openModelFile(service, 'model.py', new TextEncoder().encode(`\uFEFF${text}`));
    expect(v).toEqual({ kind: 'model', name: 'model.py', format: 'model text', source: text, weights: null, inputShape: null, notes: [] });
  });
});

describe('model.openFile: weights only, and files that are neither', () => {
  it('a state_dict, a checkpoint and a TorchScript archive are weights to bind, saying why', async () => {
    for (const [file, why] of [
      ['lenet_seed_28.state_dict.pt', /state_dict or checkpoint/],
      ['lenet_seed_28.checkpoint_tutorial.pt', /state_dict or checkpoint/],
      ['lenet_seed_28.torchscript.pt', /TorchScript/],
    ] as const) {
      const v = await openModelFile(service, file, realBytes(file));
      expect(v.kind, file).toBe('weights');
      if (v.kind !== 'weights') continue;
      expect(v.reason, file).toMatch(why);
      expect(v.weights.tensors.length, file).toBeGreaterThanOrEqual(5);
    }
  });

  it('a safetensors file is weights', async () => {
    const bytes = new Uint8Array(readFileSync(`${packageRoot()}/examples/lenet/weights.safetensors`));
    const v = await openModelFile(service, 'weights.safetensors', bytes);
    expect(v.kind).toBe('weights');
  });

  it('a binary file that is no model: BAD_INPUT_FILE naming the file and what can be opened', async () => {
    const junk = Uint8Array.from({ length: 512 }, (_, i) => (i * 37) & 0xff);
    const err = await openModelFile(service, 'photo.jpg', junk).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as ServiceError).code).toBe('BAD_INPUT_FILE');
    expect((err as Error).message).toMatch(/^photo\.jpg: not a file the workbench reads as a model: open model text/);
  });

  it('a damaged ONNX file: BAD_INPUT_FILE with the reader\'s reason, not a crash', async () => {
    const bytes = realBytes('lenet_seed_28.opset13.onnx').slice(0, 4000);
    const err = await openModelFile(service, 'cut.onnx', bytes).catch((e: unknown) => e);
    // Cut short, the file may no longer be recognised as ONNX at all; either way it is refused with the file named.
    expect((err as ServiceError).code).toBe('BAD_INPUT_FILE');
    expect((err as Error).message).toMatch(/^cut\.onnx: /);
  });
});
