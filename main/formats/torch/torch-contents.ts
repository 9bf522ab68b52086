// What a torch.save file holds, in the terms a user meets: a bare state_dict, a trainer
// checkpoint (a dict with the state_dict under one of its keys, next to epoch, optimizer
// and loss), a whole pickled module tree, or a TorchScript archive. It finds the tensors
// by their state_dict names without decoding them, proposes the checkpoint key that
// holds the model, strips nn.DataParallel's "module." prefix, and decodes only the
// tensors asked for. Writing model text from a module tree is module-text.ts's job.

import { FormatError } from '../format-error.js';
import type { Tensor } from '../tensor.js';
import { PickledObject, TensorRef } from './pickle-globals.js';
import { decodeTensor, readTorchArchive, type TorchArchive } from './torch-archive.js';

export type TorchContentKind = 'state_dict' | 'checkpoint' | 'module' | 'torchscript';

export interface CheckpointCandidate {
  key: string;
  /** Tensors under the key (state_dict names). */
  tensorCount: number;
  /** True when every value under the key is a tensor (or it is a module): it can be a state_dict. */
  stateDictLike: boolean;
}

export interface TorchContents {
  archive: TorchArchive;
  kind: TorchContentKind;
  /** Every tensor in the file by dotted path (checkpoint keys included: "model_state_dict.0.weight"). */
  tensorRefs: Map<string, TensorRef>;
  /** Checkpoints: the top-level keys that hold tensors, in file order. */
  candidates: CheckpointCandidate[];
  /** Checkpoints: the key proposed as the model's state_dict. */
  proposedKey: string | null;
}

export interface StateDict {
  tensors: Map<string, Tensor>;
  /** The checkpoint key it came from, or null for a bare state_dict / module / TorchScript. */
  key: string | null;
  notes: string[];
}

const MAX_DEPTH = 64;

/** Keys trainers use for the model's state_dict, most specific first. */
const PREFERRED_KEYS = ['state_dict', 'model_state_dict', 'model', 'net', 'network', 'model_state', 'module', 'weights', 'params', 'state', 'ema', 'model_ema'];

export function readTorchContents(bytes: Uint8Array): TorchContents {
  const archive = readTorchArchive(bytes);
  const root = archive.root;
  const tensorRefs = new Map<string, TensorRef>();
  collect(root, '', tensorRefs, new Set(), 0);
  if (isModule(root) || (root instanceof PickledObject && archive.torchscript)) {
    return { archive, kind: archive.torchscript || root.qualified.startsWith('__torch__') ? 'torchscript' : 'module', tensorRefs, candidates: [], proposedKey: null };
  }
  if (root instanceof Map && [...root.values()].some((v) => v instanceof TensorRef)) {
    return { archive, kind: 'state_dict', tensorRefs, candidates: [], proposedKey: null };
  }
  if (root instanceof Map) {
    const candidates: CheckpointCandidate[] = [];
    for (const [k, v] of root) {
      const refs = new Map<string, TensorRef>();
      collect(v, '', refs, new Set(), 0);
      if (refs.size === 0) continue;
      const stateDictLike = isModule(v) || (v instanceof Map && v.size > 0 && [...v.values()].every((x) => x instanceof TensorRef));
      candidates.push({ key: String(k), tensorCount: refs.size, stateDictLike });
    }
    if (candidates.length > 0) return { archive, kind: 'checkpoint', tensorRefs, candidates, proposedKey: propose(candidates) };
  }
  throw new FormatError(
    'torch',
    'NO_STATE_DICT',
    `the file holds ${describeRoot(root)} with no tensors in it; expected a state_dict (torch.save(model.state_dict(), path)), a checkpoint dict holding one, or a whole nn.Sequential`,
  );
}

function describeRoot(v: unknown): string {
  if (v instanceof Map) return `a dict (keys: ${[...v.keys()].slice(0, 8).map(String).join(', ') || 'none'})`;
  if (Array.isArray(v)) return 'a list';
  if (v instanceof PickledObject) return `an object of ${v.qualified}`;
  return `a ${typeof v}`;
}

function propose(candidates: readonly CheckpointCandidate[]): string | null {
  const usable = candidates.filter((c) => c.stateDictLike);
  for (const k of PREFERRED_KEYS) if (usable.some((c) => c.key === k)) return k;
  if (usable.length === 1) return usable[0]!.key;
  if (usable.length === 0) return null;
  // Several unnamed candidates: the one holding the most tensors, unless tied.
  const sorted = [...usable].sort((a, b) => b.tensorCount - a.tensorCount);
  return sorted[0]!.tensorCount > sorted[1]!.tensorCount ? sorted[0]!.key : null;
}

export function isModule(v: unknown): v is PickledObject {
  if (!(v instanceof PickledObject)) return false;
  if (v.qualified.startsWith('__torch__')) return true;
  return v.state instanceof Map && (v.state.has('_modules') || v.state.has('_parameters'));
}

/** Tensors reachable from `v`, named as state_dict() and torch.load would show them. */
function collect(v: unknown, prefix: string, out: Map<string, TensorRef>, seen: Set<object>, depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (v instanceof TensorRef) {
    out.set(prefix.slice(0, -1), v);
    return;
  }
  if (typeof v !== 'object' || v === null || seen.has(v)) return;
  seen.add(v);
  if (v instanceof PickledObject) {
    const state = v.state;
    if (!(state instanceof Map)) return;
    if (v.qualified.startsWith('__torch__')) {
      // TorchScript objects: parameters, buffers and submodules are plain attributes.
      for (const [k, x] of state) if (typeof k === 'string' && (x instanceof TensorRef || x instanceof PickledObject)) collect(x, `${prefix}${k}.`, out, seen, depth + 1);
      return;
    }
    const skip = state.get('_non_persistent_buffers_set');
    for (const field of ['_parameters', '_buffers']) {
      const m = state.get(field);
      if (!(m instanceof Map)) continue;
      for (const [k, x] of m) {
        if (field === '_buffers' && skip instanceof Set && skip.has(k)) continue;
        if (x instanceof TensorRef) out.set(`${prefix}${String(k)}`, x);
      }
    }
    const mods = state.get('_modules');
    if (mods instanceof Map) for (const [k, x] of mods) collect(x, `${prefix}${String(k)}.`, out, seen, depth + 1);
    return;
  }
  if (v instanceof Map) {
    for (const [k, x] of v) if (typeof k === 'string' || typeof k === 'number') collect(x, `${prefix}${k}.`, out, seen, depth + 1);
    return;
  }
  if (Array.isArray(v)) v.forEach((x, i) => collect(x, `${prefix}${i}.`, out, seen, depth + 1));
}

/** Decodes the named tensors (a view or one copy each). */
export function decodeAll(archive: TorchArchive, refs: ReadonlyMap<string, TensorRef>): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, ref] of refs) out.set(name, decodeTensor(archive, ref, name));
  return out;
}

/**
 * The model's state_dict: the whole file for a state_dict, module or TorchScript archive;
 * for a checkpoint the entry under `key` (or the proposed one). A "module." prefix on
 * every name (nn.DataParallel) is stripped, with a note.
 */
export function stateDictOf(contents: TorchContents, key?: string | null): StateDict {
  const notes: string[] = [];
  let refs = contents.tensorRefs;
  let chosen: string | null = null;
  if (contents.kind === 'checkpoint') {
    chosen = key ?? contents.proposedKey;
    if (chosen === null) {
      throw new FormatError('torch', 'AMBIGUOUS_KEY', `the checkpoint holds tensors under several keys (${listCandidates(contents.candidates)}); pick the model's with --weights-key KEY`, {
        keys: contents.candidates.map((c) => c.key).join(','),
      });
    }
    const c = contents.candidates.find((x) => x.key === chosen);
    if (!c) {
      throw new FormatError('torch', 'NO_STATE_DICT', `the checkpoint has no key "${chosen}" holding tensors; keys with tensors: ${listCandidates(contents.candidates)}`, { key: chosen });
    }
    const p = `${chosen}.`;
    refs = new Map([...contents.tensorRefs].filter(([n]) => n.startsWith(p)).map(([n, r]) => [n.slice(p.length), r]));
    notes.push(`weights taken from the checkpoint's "${chosen}" entry (${c.tensorCount} tensors)`);
  } else if (key) {
    notes.push(`--weights-key ${key} ignored: the file is a ${contents.kind.replace('_', ' ')}, not a checkpoint dict`);
  }
  const names = [...refs.keys()];
  if (names.length > 0 && names.every((n) => n.startsWith('module.'))) {
    refs = new Map([...refs].map(([n, r]) => [n.slice('module.'.length), r]));
    notes.push('names had the "module." prefix nn.DataParallel adds; it was stripped');
  }
  return { tensors: decodeAll(contents.archive, refs), key: chosen, notes };
}

export function listCandidates(candidates: readonly CheckpointCandidate[]): string {
  return candidates.map((c) => `"${c.key}" (${c.tensorCount} tensor${c.tensorCount === 1 ? '' : 's'}${c.stateDictLike ? '' : ', nested'})`).join(', ');
}
