// Maximum bipartite matching of chip layers to cores by augmenting paths (Edmonds-Karp
// on a unit-capacity flow network), built and searched in exactly the order the
// reference library uses (placement.md §3), so that the chosen cores are the same.

interface Edge {
  to: number;
  cap: number;
  flow: number;
  reverse: Edge | null;
}

function addEdge(adjacency: Edge[][], from: number, to: number): void {
  const forward: Edge = { to, cap: 1, flow: 0, reverse: null };
  const backward: Edge = { to: from, cap: 0, flow: 0, reverse: forward };
  forward.reverse = backward;
  adjacency[from]!.push(forward);
  adjacency[to]!.push(backward);
}

/**
 * `candidates[i]`: cores layer i fits, ascending. Returns the core of each layer, or
 * null for layers left unmatched (then no complete placement exists).
 */
export function maximumBipartiteMatching(candidates: readonly (readonly number[])[], coreCount: number): Array<number | null> {
  const layers = candidates.length;
  const source = 0;
  const sink = layers + coreCount + 1;
  const layerNode = (i: number) => 1 + i;
  const coreNode = (c: number) => layers + 1 + c;
  const adjacency: Edge[][] = Array.from({ length: sink + 1 }, () => []);

  for (let i = 0; i < layers; i++) addEdge(adjacency, source, layerNode(i));
  for (let i = 0; i < layers; i++) for (const c of candidates[i]!) addEdge(adjacency, layerNode(i), coreNode(c));
  for (let c = 0; c < coreCount; c++) addEdge(adjacency, coreNode(c), sink);

  for (;;) {
    const pred: Array<Edge | null> = new Array(sink + 1).fill(null);
    const queue: number[] = [source];
    for (let head = 0; head < queue.length; head++) {
      const u = queue[head]!;
      for (const e of adjacency[u]!) {
        if (pred[e.to] === null && e.to !== source && e.cap - e.flow > 0) {
          pred[e.to] = e;
          queue.push(e.to);
        }
      }
    }
    if (pred[sink] === null) break;
    // Every edge has capacity 1, so the bottleneck of any augmenting path is 1.
    for (let v = sink; v !== source; ) {
      const e = pred[v]!;
      e.flow += 1;
      e.reverse!.flow -= 1;
      v = e.reverse!.to;
    }
  }

  const result: Array<number | null> = [];
  for (let i = 0; i < layers; i++) {
    const used = adjacency[layerNode(i)]!.find((e) => e.cap === 1 && e.flow === 1);
    result.push(used ? used.to - layers - 1 : null);
  }
  return result;
}

/**
 * A set of layers that cannot all be placed (Hall's condition fails): starting from an
 * unmatched layer, every layer reachable by alternating paths competes for the same
 * cores, and there are fewer of those cores than layers.
 */
export function hallViolator(
  candidates: readonly (readonly number[])[],
  matching: ReadonlyArray<number | null>,
): { layers: number[]; cores: number[] } | null {
  const start = matching.findIndex((c) => c === null);
  if (start < 0) return null;
  const layerOfCore = new Map<number, number>();
  matching.forEach((c, i) => {
    if (c !== null) layerOfCore.set(c, i);
  });
  const layers = new Set<number>([start]);
  const cores = new Set<number>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    for (const c of candidates[queue[head]!]!) {
      if (cores.has(c)) continue;
      cores.add(c);
      const owner = layerOfCore.get(c);
      if (owner !== undefined && !layers.has(owner)) {
        layers.add(owner);
        queue.push(owner);
      }
    }
  }
  return { layers: [...layers].sort((a, b) => a - b), cores: [...cores].sort((a, b) => a - b) };
}
