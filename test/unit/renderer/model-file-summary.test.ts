// The one line the Model view shows after a model file is opened or dropped.
import { describe, expect, it } from 'vitest';
import type { WeightsInfo } from '../../../preload/api';
import { openedSummary } from '../../../renderer/editor/use-model-file';

const weights = (n: number, notes?: string[]): WeightsInfo => ({ id: 'w', name: 'f', bytes: 1, tensors: Array.from({ length: n }, (_, i) => ({ name: `${i}.weight`, dtype: 'F32', shape: [1] })), ...(notes ? { notes } : {}) });

describe('what opening a file says', () => {
  it('an imported model: format, that the text was written, the tensors and the input shape', () => {
    expect(openedSummary({ kind: 'model', name: 'a.onnx', format: 'ONNX opset 13', source: '', weights: weights(5), inputShape: [1, 28, 28], notes: ['Dropout removed'] })).toEqual({
      summary: 'Opened a.onnx (ONNX opset 13); the model text below was written from the file; its 5 tensors are the weights; input 1 × 28 × 28.',
      notes: ['Dropout removed'],
      error: false,
    });
  });

  it('model text: only that it was opened', () => {
    expect(openedSummary({ kind: 'model', name: 'm.py', format: 'model text', source: 'x', weights: null, inputShape: null, notes: [] }).summary).toBe('Opened m.py (model text).');
  });

  it('weights only: why, how many tensors, and the reader notes', () => {
    expect(openedSummary({ kind: 'weights', name: 'sd.pt', weights: weights(3, ['"module." prefix removed']), reason: 'a state_dict or checkpoint holds weights without layers' })).toEqual({
      summary: 'sd.pt: a state_dict or checkpoint holds weights without layers; its 3 tensors are now the weights of the model in the editor.',
      notes: ['"module." prefix removed'],
      error: false,
    });
  });
});
