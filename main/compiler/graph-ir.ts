// The graph form of a parsed model: which layer calls feed which, as the `forward` of an
// nn.Module subclass writes them. Nodes are calls in forward order (a layer call, or a
// merge: sl.Merge, torch.add, `a + b`); inputs name earlier nodes or the model input.
// A sequential model has no GraphIR: it is the degenerate chain, handled as a list.
// No shapes or weights here; the graph conversion (compiler/graph/) adds those.

import type { SourceSpan } from './diagnostics.js';

/** `inputs` entry meaning "the forward's argument" (the network input). */
export const MODEL_INPUT = -1;

export interface GraphNode {
  /** Position in GraphIR.nodes (forward order). */
  readonly id: number;
  readonly op: 'layer' | 'merge';
  /** The attribute called (`conv1` for `self.conv1(x)`), `torch.add` or `+` for merges written inline. */
  readonly attr: string;
  /** ModelIR.layers index of the layer called (op 'layer'); null for merges. */
  readonly layer: number | null;
  /** Node ids (or MODEL_INPUT) whose outputs are this node's arguments, in order. */
  readonly inputs: readonly number[];
  /** The call in forward. */
  readonly span: SourceSpan;
  /** The variable the call's value is assigned to. */
  readonly variable: string;
}

export interface GraphIR {
  /** The class name (`Net`). */
  readonly className: string;
  readonly nodes: readonly GraphNode[];
  /** Node ids returned by forward, in `return` order. */
  readonly outputs: readonly number[];
  /** Attributes assigned in __init__ in registration order, with the ModelIR layers each holds (several for an nn.Sequential attribute). */
  readonly attributes: ReadonlyArray<{ readonly name: string; readonly layers: readonly number[]; readonly merge: boolean; readonly span: SourceSpan }>;
}
