// A worker of the compile pool (tinypool): one compile of a large model, off the main
// thread, so a model of tens of millions of weights (seconds of conversion and
// quantization) blocks no window and no web client. Start it through compile-pool.ts.

import type { CompileRequest, CompileResult } from '../compiler/compile-types.js';
import { compileModel, type CompileOptions } from '../compiler/compile.js';

export interface CompileTask {
  request: CompileRequest;
  options: CompileOptions;
}

export default function compileTask(task: CompileTask): CompileResult {
  return compileModel(task.request, task.options);
}
