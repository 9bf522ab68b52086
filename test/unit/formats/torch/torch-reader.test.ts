// The torch.save reader on what users have (state_dicts, checkpoints, DataParallel, TorchScript)
// and on bad input: truncated zips, dangerous or unknown globals, storages shorter than
// their tensors. Hand-built files come from test/helpers/torch-files.ts; every expected
// value below is written out from the file's construction.

import { describe, expect, it } from 'vitest';
import { FormatError } from '../../../../main/formats/format-error.js';
import { readTorchContents, stateDictOf } from '../../../../main/formats/torch/torch-contents.js';
import { f32Bytes, OP, PickleWriter, stateDictPickle, torchZip } from '../../../helpers/torch-files.js';
import { realBytes } from '../../../helpers/real-models.js';

function formatError(f: () => unknown): FormatError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return e as FormatError;
  }
  throw new Error('expected a FormatError');
}

describe('what the file holds', () => {
  it('a bare state_dict: names in order, nothing stripped', () => {
    const c = readTorchContents(realBytes('two_conv_bias.state_dict.pt'));
    expect(c.kind).toBe('state_dict');
    const sd = stateDictOf(c);
    expect([...sd.tensors.keys()]).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(sd.notes).toEqual([]);
  });

  it('a tutorial checkpoint: candidates with counts, model_state_dict proposed', () => {
    const c = readTorchContents(realBytes('lenet_seed_28.checkpoint_tutorial.pt'));
    expect(c.kind).toBe('checkpoint');
    expect(c.candidates).toEqual([
      { key: 'model_state_dict', tensorCount: 5, stateDictLike: true },
      { key: 'optimizer_state_dict', tensorCount: 5, stateDictLike: false },
    ]);
    expect(c.proposedKey).toBe('model_state_dict');
    expect([...stateDictOf(c).tensors.keys()]).toEqual(['0.weight', '3.weight', '6.weight', '10.weight', '12.weight']);
  });

  it('a checkpoint under "model" (zip and legacy): proposed, and another key can be asked for', () => {
    for (const f of ['two_conv_bias.checkpoint.pt', 'two_conv_bias.checkpoint.legacy.pt']) {
      const c = readTorchContents(realBytes(f));
      expect(c.proposedKey).toBe('model');
      expect(c.candidates.map((x) => [x.key, x.tensorCount])).toEqual([['model', 4], ['optimizer', 12]]);
      const opt = stateDictOf(c, 'optimizer');
      expect(opt.key).toBe('optimizer');
      expect(opt.tensors.get('state.0.step')!.data[0]).toBe(3);
      const e = formatError(() => stateDictOf(c, 'epoch'));
      expect(e.code).toBe('NO_STATE_DICT');
      expect(e.message).toContain('"model" (4 tensors)');
    }
  });

  it('nn.DataParallel names lose their "module." prefix, with a note', () => {
    const sd = stateDictOf(readTorchContents(realBytes('lenet_seed_28.dataparallel.state_dict.pt')));
    expect([...sd.tensors.keys()]).toEqual(['0.weight', '3.weight', '6.weight', '10.weight', '12.weight']);
    expect(sd.notes.join(' ')).toContain('nn.DataParallel');
  });

  it('TorchScript is named as such; its tensors are read', () => {
    const c = readTorchContents(realBytes('lenet_seed_28.torchscript.pt'));
    expect(c.kind).toBe('torchscript');
    expect(c.archive.torchscript).toBe(true);
    expect([...stateDictOf(c).tensors.keys()]).toEqual(['0.weight', '3.weight', '6.weight', '10.weight', '12.weight']);
  });

  it('float32 tensors are views into the file bytes (no copy); float16 is decoded', () => {
    const bytes = realBytes('lenet_seed_28.state_dict.pt');
    const t = stateDictOf(readTorchContents(bytes)).tensors.get('0.weight')!;
    expect(t.data.buffer).toBe(bytes.buffer);
    const h = stateDictOf(readTorchContents(realBytes('lenet_seed_28.half.state_dict.pt'))).tensors.get('0.weight')!;
    expect(h.dtype).toBe('F16');
    // 0.0977 lies in [2^-4, 2^-3), where float16 steps by 2^-14: 0.0977 * 16384 = 1600.7 -> 1601 / 16384
    expect(h.data[0]).toBe(1601 / 16384);
  });

  it('a hand-built zip: strided (transposed) and offset tensors, int64 and bool buffers', () => {
    const storage = f32Bytes([1, 2, 3, 4, 5, 6]);
    const i64 = new Uint8Array(16);
    new DataView(i64.buffer).setBigInt64(0, -5n, true);
    new DataView(i64.buffer).setBigInt64(8, 7n, true);
    const w = new PickleWriter().op(OP.PROTO, 2).orderedDict().op(OP.MARK);
    w.str('t').tensor({ key: '0', numel: 6, shape: [3, 2], stride: [1, 3] });
    w.str('tail').tensor({ key: '0', numel: 6, offset: 4, shape: [2] });
    w.str('n').tensor({ key: '1', storageType: 'LongStorage', numel: 2, shape: [2] });
    w.str('b').tensor({ key: '2', storageType: 'BoolStorage', numel: 3, shape: [3] });
    w.op(OP.SETITEMS, OP.STOP);
    const sd = stateDictOf(readTorchContents(torchZip(w.bytes(), [storage, i64, Uint8Array.of(1, 0, 2)])));
    // storage [1..6] viewed as a 3x2 with strides (1, 3): rows (1,4), (2,5), (3,6)
    expect(Array.from(sd.tensors.get('t')!.data)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(sd.tensors.get('tail')!.data)).toEqual([5, 6]);
    expect(sd.tensors.get('n')!.dtype).toBe('I64');
    expect(Array.from(sd.tensors.get('n')!.data)).toEqual([-5, 7]);
    expect(Array.from(sd.tensors.get('b')!.data)).toEqual([1, 0, 1]);
  });

  it('two unnamed state_dicts of equal size: no proposal, an error listing both', () => {
    const w = new PickleWriter().op(OP.PROTO, 2).op(OP.EMPTY_DICT, OP.MARK);
    for (const key of ['a', 'b']) w.str(key).orderedDict().str('w').tensor({ key: key === 'a' ? '0' : '1', numel: 1, shape: [1] }).op(OP.SETITEM);
    w.op(OP.SETITEMS, OP.STOP);
    const c = readTorchContents(torchZip(w.bytes(), [f32Bytes([1]), f32Bytes([2])]));
    expect(c.proposedKey).toBeNull();
    const e = formatError(() => stateDictOf(c));
    expect(e.code).toBe('AMBIGUOUS_KEY');
    expect(e.message).toContain('"a" (1 tensor), "b" (1 tensor)');
    expect(e.message).toContain('--weights-key');
  });
});

describe('bad input: a clear error each', () => {
  const good = torchZip(stateDictPickle([{ name: 'w', shape: [2, 2], data: f32Bytes([1, 2, 3, 4]) }]), [f32Bytes([1, 2, 3, 4])]);

  it('the hand-built file itself reads', () => {
    expect(Array.from(stateDictOf(readTorchContents(good)).tensors.get('w')!.data)).toEqual([1, 2, 3, 4]);
  });

  it('a truncated zip says it is cut off', () => {
    for (const n of [good.byteLength - 1, good.byteLength - 30, 200, 40]) {
      const e = formatError(() => readTorchContents(good.subarray(0, n)));
      expect(e.format).toBe('torch');
      expect(e.message).toMatch(/cut off|damaged/);
    }
    expect(formatError(() => readTorchContents(realBytes('lenet_seed_28.state_dict.pt').subarray(0, 300000))).message).toContain('cut off');
  });

  it('a truncated legacy file says where it ends', () => {
    const b = realBytes('two_conv_bias.state_dict.legacy.pt');
    const e = formatError(() => readTorchContents(b.subarray(0, b.byteLength - 10)));
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toContain('cut off');
  });

  const dangerous: Array<[string, string]> = [
    ['os', 'system'],
    ['posix', 'system'],
    ['nt', 'system'],
    ['subprocess', 'Popen'],
    ['subprocess', 'check_output'],
    ['builtins', 'eval'],
    ['builtins', 'exec'],
    ['__builtin__', 'eval'],
    ['builtins', 'getattr'],
    ['builtins', '__import__'],
  ];
  for (const [module, name] of dangerous) {
    it(`${module}.${name} is refused for safety, by name, before anything is built`, () => {
      const pickle = new PickleWriter().op(OP.PROTO, 2).global(module, name).op(OP.MARK).str('echo pwned').op(OP.TUPLE, OP.REDUCE, OP.STOP).bytes();
      const e = formatError(() => readTorchContents(torchZip(pickle, [])));
      expect(e.code).toBe('UNSAFE_GLOBAL');
      expect(e.message).toContain(`${module}.${name}`);
      expect(e.message).toContain('refused for safety');
      expect(e.details.global).toBe(`${module}.${name}`);
    });
  }

  it('an unknown class (a user-defined module) names the class and says how to save a state_dict', () => {
    const pickle = new PickleWriter().op(OP.PROTO, 2).global('__main__', 'MyNet').op(OP.EMPTY_TUPLE, OP.NEWOBJ, OP.EMPTY_DICT, OP.BUILD, OP.STOP).bytes();
    const e = formatError(() => readTorchContents(torchZip(pickle, [])));
    expect(e.code).toBe('UNKNOWN_CLASS');
    expect(e.message).toContain('__main__.MyNet');
    expect(e.message).toContain('torch.save(model.state_dict(), path)');
  });

  it('a storage shorter than its tensor: "needs N bytes, its storage has M"', () => {
    const w = new PickleWriter().op(OP.PROTO, 2).orderedDict().op(OP.MARK);
    // The pid claims 4 elements (16 bytes, which the record has); the tensor wants 3x2 = 24 bytes.
    w.str('w').tensor({ key: '0', numel: 4, shape: [3, 2] }).op(OP.SETITEMS, OP.STOP);
    const c = readTorchContents(torchZip(w.bytes(), [f32Bytes([1, 2, 3, 4])]));
    const e = formatError(() => stateDictOf(c));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toContain('tensor "w"');
    expect(e.message).toContain('needs 24 bytes, its storage 0 has 16');
  });

  it('a storage record shorter than its persistent id says', () => {
    const w = new PickleWriter().op(OP.PROTO, 2).orderedDict().op(OP.MARK).str('w').tensor({ key: '0', numel: 8, shape: [8] }).op(OP.SETITEMS, OP.STOP);
    const e = formatError(() => readTorchContents(torchZip(w.bytes(), [f32Bytes([1, 2])])));
    expect(e.message).toContain('needs 32 bytes, its record has 8');
  });

  it('a missing storage record is named', () => {
    const w = new PickleWriter().op(OP.PROTO, 2).orderedDict().op(OP.MARK).str('w').tensor({ key: '0', numel: 1, shape: [1] }).op(OP.SETITEMS, OP.STOP);
    expect(formatError(() => readTorchContents(torchZip(w.bytes(), [])))).toHaveProperty('message', expect.stringContaining('archive/data/0'));
  });

  it('not a torch file at all', () => {
    expect(formatError(() => readTorchContents(new TextEncoder().encode('nn.Sequential()'))).code).toBe('BAD_MAGIC');
  });

  it('a dict without tensors', () => {
    const pickle = new PickleWriter().op(OP.PROTO, 2, OP.EMPTY_DICT).str('epoch').int(3).op(OP.SETITEM, OP.STOP).bytes();
    const e = formatError(() => readTorchContents(torchZip(pickle, [])));
    expect(e.code).toBe('NO_STATE_DICT');
    expect(e.message).toContain('epoch');
  });

  it('a damaged opcode stream is a BAD_PICKLE with the byte offset', () => {
    const pickle = Uint8Array.of(0x80, 2, 0xff, 0x2e);
    const e = formatError(() => readTorchContents(torchZip(pickle, [])));
    expect(e.code).toBe('BAD_PICKLE');
    expect(e.details.offset).toBe(3);
  });
});
