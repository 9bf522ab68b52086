// The UI's weights path (CompileService.loadWeights, behind IPC weights.load) with torch.save
// files: .pt bytes are recognised by content, a checkpoint's proposed entry is used and the
// reply lists every entry holding tensors, and a refused pickle is a BAD_WEIGHTS_FILE error.

import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../../main/ipc/dispatcher.js';
import { CompileService } from '../../../main/services/compile-service.js';
import { realBytes } from '../../helpers/real-models.js';
import { OP, PickleWriter, torchZip } from '../../helpers/torch-files.js';

describe('weights.load with torch.save files', () => {
  const service = new CompileService('/nonexistent-examples');

  it('a state_dict .pt: its tensors, no checkpoint block', () => {
    const info = service.loadWeights('two_conv_bias.state_dict.pt', realBytes('two_conv_bias.state_dict.pt'));
    expect(info.tensors).toEqual([
      { name: '0.weight', dtype: 'F32', shape: [8, 2, 3, 3] },
      { name: '0.bias', dtype: 'F32', shape: [8] },
      { name: '2.weight', dtype: 'F32', shape: [4, 8, 3, 3] },
      { name: '2.bias', dtype: 'F32', shape: [4] },
    ]);
    expect(info.checkpoint).toBeUndefined();
  });

  it('a checkpoint: the proposed entry, and the candidate keys in the reply', () => {
    const info = service.loadWeights('ckpt.pt', realBytes('lenet_seed_28.checkpoint_tutorial.pt'));
    expect(info.checkpoint).toEqual({ key: 'model_state_dict', keys: [{ key: 'model_state_dict', tensors: 5 }, { key: 'optimizer_state_dict', tensors: 5 }] });
    expect(info.tensors.map((t) => t.name)).toEqual(['0.weight', '3.weight', '6.weight', '10.weight', '12.weight']);
    expect(service.weightsEntry(info.id).tensors.size).toBe(5);
  });

  it('DataParallel names come back stripped, with the note', () => {
    const info = service.loadWeights('dp.pt', realBytes('lenet_seed_28.dataparallel.state_dict.pt'));
    expect(info.tensors[0]!.name).toBe('0.weight');
    expect(info.notes?.join(' ')).toContain('module.');
  });

  it('a dangerous pickle is a BAD_WEIGHTS_FILE error naming the global', () => {
    const pickle = new PickleWriter().op(OP.PROTO, 2).global('subprocess', 'Popen').op(OP.EMPTY_TUPLE, OP.REDUCE, OP.STOP).bytes();
    try {
      service.loadWeights('evil.pt', torchZip(pickle, []));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ServiceError);
      expect((e as ServiceError).code).toBe('BAD_WEIGHTS_FILE');
      expect((e as Error).message).toContain('subprocess.Popen');
    }
  });
});
