// Compiling from real torch.save files gives exactly the golden fixtures' results: state_dicts
// (and checkpoints, DataParallel, legacy, float16, TorchScript tensors) with the golden model
// text, and whole module pickles alone, whose model text the workbench writes itself.

import { describe, expect, it } from 'vitest';
import { compileModel } from '../../../../main/compiler/compile.js';
import { importerFor } from '../../../../main/formats/model-importers.js';
import { importTorchModel } from '../../../../main/formats/torch/pytorch-importer.js';
import { readTorchContents, stateDictOf } from '../../../../main/formats/torch/torch-contents.js';
import { loadFixture } from '../../../helpers/fixtures.js';
import { expectGoldenResult, goldenRequest } from '../../../helpers/golden-compare.js';
import { realBytes, realExpected, realTorchFiles } from '../../../helpers/real-models.js';

const caseOf = (file: string): string => file.slice(0, file.indexOf('.'));

describe('weights from .pt files compile like the golden fixtures', () => {
  // float16 weights are different numbers, so their results differ from the float32 fixture.
  for (const file of realTorchFiles().filter((f) => !f.includes('.module.') && !f.includes('.half.'))) {
    it(`${file} with the golden model text`, () => {
      const f = loadFixture(caseOf(file));
      const sd = stateDictOf(readTorchContents(realBytes(file)));
      const source = file.includes('named_nested') ? realExpected(file).model_text : f.model_text;
      expectGoldenResult(compileModel(goldenRequest(f, source, sd.tensors), { modelKind: f.kind }), f);
    });
  }
});

describe('whole pickled modules: the written model text', () => {
  for (const file of realTorchFiles().filter((f) => f.includes('.module.'))) {
    it(`${file}: model text as expected`, () => {
      const m = importTorchModel(realBytes(file));
      expect(m.modelText).toBe(realExpected(file).model_text);
      expect(m.format).toBe('PyTorch module (torch.save)');
      expect([...m.tensors.keys()]).toEqual(realExpected(file).tensors.map((t) => t.name));
    });
  }

  for (const file of ['lenet_seed_28.module.pt', 'lenet_seed_28.named_nested.module.pt', 'two_conv_bias.module.pt', 'snn_sumpool.module.pt']) {
    it(`${file} alone compiles like the golden fixture`, async () => {
      const f = loadFixture(caseOf(file));
      const bytes = realBytes(file);
      const importer = importerFor(bytes);
      expect(importer?.id).toBe('pytorch');
      const m = await importer!.read(bytes);
      expectGoldenResult(compileModel(goldenRequest(f, m.modelText, m.tensors), { modelKind: f.kind }), f);
    });
  }

  it('a state_dict is not a model: the importer says to pass it as weights', async () => {
    await expect(importerFor(realBytes('two_conv_bias.state_dict.pt'))!.read(realBytes('two_conv_bias.state_dict.pt'))).rejects.toThrow(/--weights/);
  });

  it('TorchScript is named, with how to export a state_dict', () => {
    expect(() => importTorchModel(realBytes('lenet_seed_28.torchscript.pt'))).toThrow(/TorchScript archive.*torch\.save\(model\.state_dict\(\), path\)/s);
  });
});
