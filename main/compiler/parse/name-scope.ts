// Which module a name in the model text refers to: `nn` -> torch.nn after
// `import torch.nn as nn`, `Conv2d` -> torch.nn.Conv2d after `from torch.nn import
// Conv2d`, and the usual aliases (nn, sl, sa, torch, sinabs) even without imports, since
// pasted model text often omits them. Imports are collected from the whole file, in any
// order. Names the text binds in other ways (variables) are unknown here by design.

import type { ImportStatement } from './syntax-tree.js';

/** Standard aliases accepted without an import line. */
const STANDARD_ALIASES: ReadonlyMap<string, string> = new Map([
  ['nn', 'torch.nn'],
  ['sl', 'sinabs.layers'],
  ['sa', 'sinabs.activation'],
  ['torch', 'torch'],
  ['sinabs', 'sinabs'],
  ['collections', 'collections'],
  ['OrderedDict', 'collections.OrderedDict'],
]);

/** The alias a message uses for a module when the text has none of its own. */
const PREFERRED_ALIAS: ReadonlyMap<string, string> = new Map([
  ['torch.nn', 'nn'],
  ['sinabs.layers', 'sl'],
  ['sinabs.activation', 'sa'],
]);

export class NameScope {
  private readonly bound = new Map<string, string>();
  private readonly starModules: string[] = [];

  /**
   * @param exportsOf answers whether `module.name` exists, for `from module import *`.
   */
  constructor(private readonly exportsOf: (qualified: string) => boolean = () => false) {}

  static fromImports(imports: readonly ImportStatement[], exportsOf?: (qualified: string) => boolean): NameScope {
    const scope = new NameScope(exportsOf);
    for (const imp of imports) {
      for (const b of imp.bindings) scope.bind(b.name, b.target);
      for (const m of imp.starModules) scope.starImport(m);
    }
    return scope;
  }

  bind(name: string, qualified: string): void {
    this.bound.set(name, qualified);
  }

  starImport(module: string): void {
    this.starModules.push(module);
  }

  /** Qualified name of a bare name, or null when nothing binds it. */
  resolveName(name: string): string | null {
    const b = this.bound.get(name);
    if (b !== undefined) return b;
    for (const m of this.starModules) {
      const q = `${m}.${name}`;
      if (this.exportsOf(q)) return q;
    }
    return STANDARD_ALIASES.get(name) ?? null;
  }

  /** Qualified name of `a.b.c`, or null when its head is not bound. */
  resolve(parts: readonly string[]): string | null {
    const head = this.resolveName(parts[0]!);
    if (head === null) return null;
    if (parts.length === 1) return head;
    return head + '.' + parts.slice(1).join('.');
  }

  /** How to spell `module.name` for this text: "nn.Conv2d", "sl.IAFSqueeze", or the full name. */
  spell(module: string, name: string): string {
    for (const [local, q] of this.bound) {
      if (q === module) return `${local}.${name}`;
    }
    for (const [local, q] of this.bound) {
      if (q === `${module}.${name}`) return local;
    }
    const alias = PREFERRED_ALIAS.get(module);
    if (alias !== undefined && (this.bound.get(alias) ?? STANDARD_ALIASES.get(alias)) === module) return `${alias}.${name}`;
    return `${module}.${name}`;
  }
}
