// Groups a graph model (GraphIR + spiking layers) into chip layers as sinabs 3.1.3's
// DynapcnnNetwork does: each core is conv -> [BatchNorm] -> IAF, and sends to one or more
// destinations, each with its own sum pooling (the pooling layers between the IAF and
// the next conv). A merge (sl.Merge, torch.add, +) is no core: its target core takes the
// sum of its sources. A pooling layer right after the input is absorbed into the DVS
// layer. AvgPool factors become the target's weight rescale (conflicting factors at a
// merge: round(mean × 0.5, 2), sinabs' rescale_method_1). Layers are numbered in
// topological order (first-in-first-out, ties in forward order), which is sinabs' order
// for most models but not all (see docs/readme/graph.md). Chip limits are checked by
// hardware-limits.ts; the 2-destination slot limit by compile.ts (config stage).

import type { DvsInputLayer, GraphDestination, GraphLayerInfo, GraphSummary, Shape3 } from '../compile-types.js';
import type { CompileError, Diagnostic } from '../diagnostics.js';
import type { SnnLayer, SnnModel } from '../ann-to-snn.js';
import { buildOne, checkSupported, consolidatePools, ConversionFailure, fail, type ChipLayerDraft, type ChipLayerOptions } from '../chip-layers.js';
import { MODEL_INPUT, type GraphIR, type GraphNode } from '../graph-ir.js';

export interface GraphChipLayerDraft extends ChipLayerDraft {
  graphInfo: GraphLayerInfo;
}

export interface GraphLayersResult {
  dvs: DvsInputLayer | null;
  layers: GraphChipLayerDraft[];
  entryLayers: number[];
  exitLayers: number[];
  summary: GraphSummary | null;
  layerShapes: Map<number, Shape3>;
  diagnostics: Diagnostic[];
  /** Per-destination pooling sizes the chip cannot do (hardware limits, reported with the others). */
  poolingViolations: Array<{ layer: number; code: string; message: string }>;
  error: CompileError | null;
}

type Role = 'weight' | 'bn' | 'iaf' | 'pool' | 'transparent' | 'merge';

interface Resolved {
  node: GraphNode;
  role: Role;
  snn: SnnLayer | null;
}

/** A path from a core's IAF to the next conv (or to the end of the graph). */
interface Path {
  target: number | null;
  pools: Resolved[];
}

function roleOf(n: GraphNode, snn: SnnLayer | null): Role {
  if (n.op === 'merge') return 'merge';
  const l = snn!.layer;
  switch (l.kind) {
    case 'conv2d':
    case 'linear':
      return 'weight';
    case 'batchnorm2d':
      return 'bn';
    case 'iaf':
      return 'iaf';
    case 'avgpool2d':
    case 'sumpool2d':
      return 'pool';
    default:
      return 'transparent';
  }
}

function where(n: GraphNode): string {
  return `self.${n.attr} (line ${n.span.line})`;
}

function graphFail(cls: string, code: string, message: string, n: GraphNode, hint?: string): never {
  const error: CompileError = { stage: 'conversion', class: cls, code, message, span: n.span };
  if (hint) error.hint = hint;
  throw new ConversionFailure(error);
}

export function buildGraphChipLayers(graph: GraphIR, snn: SnnModel, inputShape: Shape3, options: ChipLayerOptions): GraphLayersResult {
  const diagnostics: Diagnostic[] = [];
  const layerShapes = new Map<number, Shape3>();
  const poolingViolations: GraphLayersResult['poolingViolations'] = [];
  try {
    const r = build(graph, snn, inputShape, options, diagnostics, layerShapes, poolingViolations);
    return { ...r, layerShapes, diagnostics, poolingViolations, error: null };
  } catch (e) {
    if (e instanceof ConversionFailure) {
      return { dvs: null, layers: [], entryLayers: [], exitLayers: [], summary: null, layerShapes, diagnostics, poolingViolations, error: e.error };
    }
    throw e;
  }
}

function build(
  graph: GraphIR,
  snn: SnnModel,
  inputShape: Shape3,
  options: ChipLayerOptions,
  diagnostics: Diagnostic[],
  layerShapes: Map<number, Shape3>,
  poolingViolations: GraphLayersResult['poolingViolations'],
) {
  // toSpikingModel keeps one entry per model layer, in order (the graph never uses an appended output layer).
  const snnOf = (layer: number): SnnLayer => snn.layers[layer]!;
  const nodes: Resolved[] = graph.nodes.map((node) => {
    const s = node.layer === null ? null : snnOf(node.layer);
    return { node, role: roleOf(node, s), snn: s };
  });
  checkSupported(nodes.flatMap((r) => (r.snn ? [r.snn] : [])));
  const [c0, h0, w0] = inputShape;
  if (![c0, h0, w0].every((n) => Number.isInteger(n) && n > 0)) {
    fail('InputConfigurationError', 'INPUT_SHAPE', `The input shape must be three positive integers C,H,W; got ${inputShape.join(',')}.`);
  }

  // A module called twice would need two cores with one set of weights: sinabs refuses it too.
  const uses = new Map<number, GraphNode[]>();
  for (const r of nodes) if (r.node.layer !== null) uses.set(r.node.layer, [...(uses.get(r.node.layer) ?? []), r.node]);
  for (const [, calls] of uses) {
    if (calls.length > 1) {
      graphFail(
        'RuntimeError',
        'SHARED_MODULE',
        `self.${calls[0]!.attr} is called ${calls.length} times in forward (lines ${calls.map((c) => c.span.line).join(', ')}): each call would be its own core, but a module has one set of weights and one state.`,
        calls[1]!,
        'Give each use its own attribute (e.g. self.fc1b = nn.Linear(...) with the same weights).',
      );
    }
  }

  // Consumers of every node (and of the input), seen through Flatten / Dropout / Identity.
  const consumers = new Map<number, number[]>();
  for (const r of nodes) for (const i of new Set(r.node.inputs)) consumers.set(i, [...(consumers.get(i) ?? []), r.node.id]);
  const effective = (id: number): number[] =>
    (consumers.get(id) ?? []).flatMap((c) => (nodes[c]!.role === 'transparent' ? effective(c) : [c]));
  const producer = (id: number): number => {
    let cur = id;
    while (cur !== MODEL_INPUT && nodes[cur]!.role === 'transparent') cur = nodes[cur]!.node.inputs[0]!;
    return cur;
  };

  // Cores: one per weight node, in forward order.
  const weights = nodes.filter((r) => r.role === 'weight');
  const coreOf = new Map<number, number>();
  weights.forEach((w, k) => coreOf.set(w.node.id, k));
  const neuronOf = new Map<number, { bn: Resolved | null; iaf: Resolved }>();
  for (const w of weights) {
    let next = effective(w.node.id);
    let bn: Resolved | null = null;
    if (next.length === 1 && nodes[next[0]!]!.role === 'bn') {
      bn = nodes[next[0]!]!;
      next = effective(bn.node.id);
    }
    const iaf = next.length === 1 ? nodes[next[0]!]! : null;
    if (iaf === null || iaf.role !== 'iaf') {
      const what = next.length === 0 ? 'it is an output of the network' : `it feeds ${next.map((n) => where(nodes[n]!.node)).join(', ')}`;
      graphFail(
        'InvalidGraphStructure',
        'EXPECTED_SPIKING_LAYER',
        `Weight layer ${where(w.node)} cannot be assigned to a chip layer: ${what}. A convolution or linear layer must be followed by exactly one spiking layer (sl.IAFSqueeze, or a ReLU converted to one).`,
        w.node,
        next.length === 0 ? 'End the network with a spiking layer (add a ReLU or sl.IAFSqueeze after the last layer and return it).' : undefined,
      );
    }
    neuronOf.set(w.node.id, { bn, iaf });
  }
  for (const r of nodes) {
    if (r.role !== 'iaf') continue;
    const src = producer(r.node.inputs[0]!);
    const ok = src !== MODEL_INPUT && (nodes[src]!.role === 'weight' || nodes[src]!.role === 'bn');
    if (!ok) {
      graphFail('InvalidGraphStructure', 'EXPECTED_WEIGHT_LAYER', `The spiking layer ${where(r.node)} does not follow a convolution or linear layer: a chip core is conv -> IAF -> pooling.`, r.node);
    }
  }

  // Paths from a node onward: through pools and merges to the next weight node.
  const pathsFrom = (id: number, pools: Resolved[], origin: GraphNode): Path[] => {
    const next = effective(id);
    if (next.length === 0) {
      if (id !== MODEL_INPUT && nodes[id]!.role === 'merge') {
        graphFail('InvalidGraphStructure', 'MERGE_AT_END', `The merge ${where(nodes[id]!.node)} is an output of the network: the sum of two cores' spikes has no core to run on.`, nodes[id]!.node, 'Feed the merge into a convolution followed by a spiking layer.');
      }
      return [{ target: null, pools }];
    }
    return next.flatMap((c): Path[] => {
      const r = nodes[c]!;
      switch (r.role) {
        case 'weight':
          return [{ target: coreOf.get(c)!, pools }];
        case 'pool':
          return pathsFrom(c, [...pools, r], origin);
        case 'merge': {
          // Pooling after a merge cannot be placed on one core's output (sinabs: AssertionError).
          const after = effective(c);
          const pooled = after.find((a) => nodes[a]!.role === 'pool');
          if (pooled !== undefined) {
            graphFail(
              'AssertionError',
              'POOL_AFTER_MERGE',
              `${where(nodes[pooled]!.node)} pools the output of the merge ${where(r.node)}: pooling belongs to each source core's destination, and a merge has no core.`,
              nodes[pooled]!.node,
              'Pool each branch before the merge (the sum of sum-pooled maps is the sum-pooled sum).',
            );
          }
          return pathsFrom(c, pools, origin);
        }
        default:
          return graphFail(
            'InvalidGraphStructure',
            'EXPECTED_WEIGHT_LAYER',
            `${where(origin)} sends to ${where(r.node)}: after a core's spiking (and pooling) layers the next core must start with nn.Conv2d or nn.Linear.`,
            r.node,
          );
      }
    });
  };

  // The DVS layer: pooling right after the input (or dvsInput).
  const inputNext = effective(MODEL_INPUT);
  const inputPools = inputNext.filter((c) => nodes[c]!.role === 'pool');
  let dvs: DvsInputLayer | null = null;
  let dvsPaths: Path[] = [];
  let entryPaths: Path[] = [];
  if (inputPools.length > 0 || options.dvsInput) {
    if (inputPools.length > 0 && inputPools.length !== inputNext.length) {
      graphFail('InvalidGraphStructure', 'DVS_POOLING', `The input goes both through ${where(nodes[inputPools[0]!]!.node)} and straight to a core: the DVS layer has one pooling for all its destinations.`, nodes[inputPools[0]!]!.node);
    }
    const chain: Resolved[] = [];
    let at = MODEL_INPUT;
    for (;;) {
      const next = effective(at);
      if (next.length !== 1 || nodes[next[0]!]!.role !== 'pool') break;
      chain.push(nodes[next[0]!]!);
      at = next[0]!;
    }
    if (inputPools.length > 1 || (chain.length > 0 && effective(at).some((c) => nodes[c]!.role === 'pool'))) {
      graphFail('InvalidGraphStructure', 'DVS_POOLING', 'The input is pooled in several ways: the DVS layer has one pooling for all its destinations.', nodes[inputPools[0] ?? inputNext[0]!]!.node);
    }
    const [c, h, w] = inputShape;
    if (c !== 1 && c !== 2) {
      fail('ValueError', 'DVS_CHANNELS', `Only 1 and 2 channels are supported by the DVS input layer; the input has ${c}.`, chain[0]?.snn?.layer);
    }
    const pool = consolidatePools(chain.map((r) => r.snn!));
    const out: Shape3 = [c, Math.floor(h / pool.ky), Math.floor(w / pool.kx)];
    dvs = {
      inputShape,
      pooling: [pool.ky, pool.kx],
      crop: { top: 0, bottom: out[1], left: 0, right: out[2] },
      mergePolarities: c === 1,
      flipX: false,
      flipY: false,
      swapXY: false,
      pixelArray: options.dvsInput,
      outputShape: out,
      sourceLayers: chain.map((r) => r.snn!.layer.index),
    };
    for (const r of chain) layerShapes.set(r.snn!.layer.index, out);
    dvsPaths = pathsFrom(at, chain, chain[chain.length - 1]?.node ?? graph.nodes[0]!).map((p) => ({ ...p, pools: chain }));
    if (dvsPaths.some((p) => p.target === null)) {
      graphFail('InvalidGraphStructure', 'EMPTY_MODEL', 'The input is pooled and returned without reaching a convolution.', chain[0]?.node ?? graph.nodes[0]!);
    }
  } else {
    entryPaths = inputNext.flatMap((c): Path[] => {
      const r = nodes[c]!;
      if (r.role === 'weight') return [{ target: coreOf.get(c)!, pools: [] }];
      if (r.role === 'merge') return pathsFrom(c, [], r.node);
      return graphFail('InvalidGraphStructure', 'EXPECTED_WEIGHT_LAYER', `The input feeds ${where(r.node)}; a chip core starts with nn.Conv2d or nn.Linear.`, r.node);
    });
  }
  if (weights.length === 0) {
    fail('InvalidGraphStructure', 'EMPTY_MODEL', 'The model has no layers the chip can run (it needs at least one convolution or linear layer followed by a spiking layer).');
  }

  // Destinations of each core, in the order forward reaches them.
  const corePaths = weights.map((w) => {
    const iaf = neuronOf.get(w.node.id)!.iaf;
    const seen = new Set<string>();
    return pathsFrom(iaf.node.id, [], iaf.node).filter((p) => {
      const key = `${p.target}:${p.pools.map((r) => r.node.id).join(',')}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  });

  // Numbering: topological, first in first out, ties in forward order.
  const sources = weights.map(() => [] as number[]);
  corePaths.forEach((paths, k) => paths.forEach((p) => p.target !== null && sources[p.target]!.push(k)));
  const indeg = sources.map((s) => s.length);
  const order: number[] = [];
  const queue = weights.map((_, k) => k).filter((k) => indeg[k] === 0);
  while (queue.length > 0) {
    const k = queue.shift()!;
    order.push(k);
    const next = [...new Set(corePaths[k]!.flatMap((p) => (p.target === null ? [] : [p.target])))].sort((a, b) => a - b);
    for (const t of next) {
      indeg[t]! -= corePaths[k]!.filter((p) => p.target === t).length;
      if (indeg[t] === 0) queue.push(t);
    }
  }
  if (order.length !== weights.length) throw new Error('unreachable: forward is straight-line, so the graph has no cycle');
  const position = new Map<number, number>();
  order.forEach((k, pos) => position.set(k, pos));

  // Shapes and layers in topological order.
  const drafts: GraphChipLayerDraft[] = new Array(weights.length);
  const incoming = weights.map(() => [] as Array<{ shape: Shape3; multiplier: number; via: GraphNode }>);
  const enter = (paths: Path[], shape: Shape3, multiplier: number, via: GraphNode) => {
    for (const p of paths) if (p.target !== null) incoming[p.target]!.push({ shape, multiplier, via });
  };
  if (dvs) enter(dvsPaths, dvs.outputShape, consolidatePools(dvsPaths[0]!.pools.map((r) => r.snn!)).multiplier, graph.nodes[0]!);
  else enter(entryPaths, inputShape, 1, graph.nodes[0]!);
  for (const k of order) {
    const w = weights[k]!;
    const pos = position.get(k)!;
    const ins = incoming[k]!;
    const shape = ins[0]!.shape;
    const mergeNode = graph.nodes.find((n) => n.op === 'merge' && effective(n.id).includes(w.node.id));
    for (const x of ins) {
      if (x.shape.join() !== shape.join()) {
        const at = mergeNode ?? w.node;
        graphFail(
          'ValueError',
          'MERGE_SHAPE',
          `The merge ${where(at)} requires input tensors with the same shape: its sources give ${ins.map((i) => i.shape.join('x')).join(' and ')}${mergeNode && mergeNode.inputs.some((i) => i !== MODEL_INPUT && nodes[i]!.role === 'transparent') ? ' (compared before Flatten: the core after the merge reads one map shape)' : ''}.`,
          at,
          'Make both branches produce the same channels x height x width (padding, stride or pooling).',
        );
      }
    }
    const factors = [...new Set(ins.map((x) => x.multiplier))];
    // sinabs' rescale_method_1 for conflicting factors: round(mean × 0.5, 2).
    const multiplier = factors.length === 1 ? factors[0]! : Math.round((factors.reduce((a, b) => a + b, 0) / factors.length) * 0.5 * 100) / 100;
    if (factors.length > 1) {
      diagnostics.push({
        severity: 'warning',
        code: 'RESCALE_CONFLICT',
        message: `Chip layer ${pos} (${where(w.node)}) gets inputs through AvgPool factors ${factors.join(' and ')}: its weights are scaled by ${multiplier} (the reference's rescale rule), which matches no source exactly.`,
        span: w.node.span,
        hint: 'Use sl.SumPool2d, or the same AvgPool on every branch into a merge, for an exact conversion.',
      });
    }
    const { bn, iaf } = neuronOf.get(w.node.id)!;
    const draft = buildOne(pos, w.snn!, bn?.snn ?? null, iaf.snn!, [], shape, multiplier, options, diagnostics) as GraphChipLayerDraft;
    const neuron = draft.neuronShape;
    const dests: GraphDestination[] = corePaths[k]!.map((p) => {
      const pool = consolidatePools(p.pools.map((r) => r.snn!));
      if (pool.ky !== pool.kx) {
        fail('ValueError', 'NON_SQUARE_POOL', `Only square kernels are supported for pooling in a core: ${p.pools.map((r) => where(r.node)).join(' + ')} pool ${pool.ky}x${pool.kx}.`, p.pools[0]?.snn?.layer, pos);
      }
      if (![1, 2, 4].includes(pool.ky)) {
        poolingViolations.push({ layer: pos, code: 'POOL_SIZE', message: `layer ${pos} (${where(w.node)}): pooling ${pool.ky} towards ${p.target === null ? 'the exit' : `layer ${position.get(p.target)}`} not in {1,2,4}` });
      }
      const outputShape: Shape3 = [neuron[0], Math.floor(neuron[1] / pool.ky), Math.floor(neuron[2] / pool.kx)];
      let h = neuron[1];
      let wd = neuron[2];
      for (const r of p.pools) {
        const l = r.snn!.layer;
        const ks = l.kind === 'avgpool2d' || l.kind === 'sumpool2d' ? l.kernelSize : ([1, 1] as const);
        h = Math.floor(h / ks[0]);
        wd = Math.floor(wd / ks[1]);
        layerShapes.set(l.index, [neuron[0], h, wd]);
      }
      if (p.target !== null) incoming[p.target]!.push({ shape: outputShape, multiplier: pool.multiplier, via: w.node });
      return { target: p.target === null ? null : position.get(p.target)!, pooling: pool.ky, poolModules: p.pools.map((r) => r.node.attr), multiplier: pool.multiplier, outputShape };
    });
    for (const l of [w, bn, iaf]) if (l?.snn && l.snn.converted !== 'spike-output') layerShapes.set(l.snn.layer.index, neuron);
    const transparentBefore = collectTransparent(w.node, nodes);
    draft.sourceLayers = [...new Set([...draft.sourceLayers, ...corePaths[k]!.flatMap((p) => p.pools.map((r) => r.snn!.layer.index)), ...transparentBefore])].sort((a, b) => a - b);
    for (const t of transparentBefore) if (!layerShapes.has(t)) layerShapes.set(t, shape);
    draft.pooling = dests[0]?.pooling ?? 1;
    draft.outputShape = dests[0]?.outputShape ?? neuron;
    let exit = 0;
    draft.destinations = dests.map((d) => (d.target === null ? -(++exit) : d.target));
    draft.graphInfo = {
      modules: { conv: w.node.attr, neuron: iaf.node.attr, pooling: dests.map((d) => d.poolModules) },
      destinations: dests,
    };
    drafts[pos] = draft;
  }

  const entryLayers = dvs ? [] : [...new Set(entryPaths.map((p) => position.get(p.target!)!))].sort((a, b) => a - b);
  const dvsDestinations = dvs ? [...new Set(dvsPaths.map((p) => position.get(p.target!)!))] : [];
  const exitLayers = drafts.filter((d) => d.destinations.some((x) => x < 0)).map((d) => d.index);
  const edges: GraphSummary['edges'] = [];
  if (dvs) {
    edges.push(['input', 'dvs']);
    for (const d of dvsDestinations) edges.push(['dvs', d]);
  } else {
    for (const e of entryLayers) edges.push(['input', e]);
  }
  for (const d of drafts) for (const t of [...new Set(d.destinations.filter((x) => x >= 0))].sort((a, b) => a - b)) edges.push([d.index, t]);
  return { dvs, layers: drafts, entryLayers, exitLayers, summary: { edges, dvsDestinations, numberBase: dvs ? 1 : 0 } };
}

/** Flatten / Dropout / Identity layers between a weight node and its producer (attributed to this core). */
function collectTransparent(n: GraphNode, nodes: readonly Resolved[]): number[] {
  const out: number[] = [];
  const visit = (id: number) => {
    if (id === MODEL_INPUT) return;
    const r = nodes[id]!;
    if (r.role === 'transparent' && r.snn) {
      out.push(r.snn.layer.index);
      r.node.inputs.forEach(visit);
    } else if (r.role === 'merge') r.node.inputs.forEach(visit);
  };
  n.inputs.forEach(visit);
  return out;
}
