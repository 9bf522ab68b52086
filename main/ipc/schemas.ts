// Schemas for every request payload of the contract (preload/api.ts). The renderer is
// untrusted: nothing reaches a service before its payload passed the schema of its
// channel. The `satisfies` clause makes the compiler check each schema against the
// contract's type, so the two cannot drift apart.

import { z } from 'zod';
import { inputMappingSchema, sensorSizeSchema } from '../formats/events/input-mapping-schema.js';
import type { RequestChannel, RequestOf } from '../../preload/api.js';

const empty = z.object({}).strict();
const int = z.number().int();
const shape3 = z.tuple([int.min(1).max(4096), int.min(1).max(4096), int.min(1).max(4096)]);
const bytes = z.instanceof(Uint8Array);
const text = (max: number) => z.string().max(max);
const runId = int.min(1);

const modelSpec = z
  .object({
    source: text(1_000_000),
    weightsId: text(200).nullable(),
    initSeed: int.min(0).optional(),
    inputShape: shape3,
    chip: text(100),
    ordering: z.union([z.literal('auto'), z.array(int.min(0).max(64)).max(64)]),
    monitorLayers: z.union([z.literal('all'), z.array(z.union([int.min(-64).max(64), z.literal('dvs')])).max(64)]),
    configPatch: text(10_000_000),
    conversion: z
      .object({
        spikeThreshold: z.number().positive().finite(),
        minVMem: z.number().finite().nullable(),
        reset: z.enum(['subtract', 'zero']),
        batchNormEps: z.boolean(),
      })
      .partial()
      .strict()
      .optional(),
    kind: z.enum(['auto', 'ann', 'snn']).optional(),
    dvsInput: z.boolean().optional(),
    exampleId: text(100).optional(),
  })
  .strict();

const sensorSize = sensorSizeSchema;
const inputMapping = inputMappingSchema;

const inputSource = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('file'),
      name: text(500),
      bytes,
      sort: z.boolean().optional(),
      dropOutOfRange: z.boolean().optional(),
      mapping: inputMapping.optional(),
      sensor: sensorSize.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('example'), exampleId: text(100) }).strict(),
  z.object({ kind: z.literal('dataset'), dir: text(4096).min(1), className: text(500).min(1), index: int.min(0) }).strict(),
  z
    .object({
      kind: z.literal('generator'),
      generator: z.enum(['poisson', 'moving-bar']),
      durationMs: z.number().positive().max(600_000),
      rateHz: z.number().positive().max(1_000_000),
      seed: int.min(0),
      direction: z.enum(['right', 'left', 'down', 'up']).optional(),
    })
    .strict(),
]);

const speed = z.union([z.number().positive().max(10_000), z.literal('max')]);
const evaluationId = int.min(1);
const workers = int.min(1).max(256);

export const requestSchemas = {
  'app.info': empty,
  'examples.list': empty,
  'weights.load': z.object({ name: text(500), bytes }).strict(),
  'model.openFile': z.object({ name: text(500), bytes }).strict(),
  'model.exportNir': z.object({ spec: modelSpec }).strict(),
  'compile.run': z.object({ spec: modelSpec }).strict(),
  'devices.list': empty,
  'devices.types': empty,
  'devices.addVirtual': z.object({ type: text(100) }).strict(),
  'devices.removeVirtual': z.object({ id: text(200) }).strict(),
  'devices.refresh': empty,
  'project.current': empty,
  'project.new': z.object({ name: text(200).min(1), path: text(4096).optional(), exampleId: text(100).optional() }).strict(),
  'project.open': z.object({ path: text(4096).min(1) }).strict(),
  'project.saveModel': z.object({ spec: modelSpec, name: text(200).optional() }).strict(),
  'project.recent': empty,
  'runs.list': empty,
  'events.preview': z.object({ name: text(500), bytes, inputShape: shape3, mapping: inputMapping.optional(), sensor: sensorSize.optional() }).strict(),
  'run.start': z
    .object({
      deviceId: text(200),
      model: modelSpec,
      input: inputSource,
      slowClockHz: z.number().positive().max(1_000_000).optional(),
      order: z.enum(['depth-first', 'breadth-first']).optional(),
    })
    .strict(),
  'run.export': z.object({ runId, stream: z.enum(['input', 'output']), format: z.enum(['npy', 'csv', 'aedat4', 'h5']) }).strict(),
  'export.read': z.object({ exportId: text(100), offset: int.min(0) }).strict(),
  'run.stop': z.object({ runId }).strict(),
  'run.rerun': z.object({ runId, deviceId: text(200).optional(), modelVersion: int.min(1).optional(), recompile: z.boolean().optional() }).strict(),
  'runs.compare': z.object({ a: runId, b: runId }).strict(),
  'recording.info': z.object({ runId, stream: z.enum(['input', 'output']) }).strict(),
  'replay.start': z.object({ runId, stream: z.enum(['input', 'output']), speed, fromUs: z.number().min(0).optional() }).strict(),
  'replay.control': z.discriminatedUnion('action', [
    z.object({ replayId: text(100), action: z.literal('pause') }).strict(),
    z.object({ replayId: text(100), action: z.literal('resume') }).strict(),
    z.object({ replayId: text(100), action: z.literal('stop') }).strict(),
    z.object({ replayId: text(100), action: z.literal('seek'), timeUs: z.number().min(0) }).strict(),
    z.object({ replayId: text(100), action: z.literal('speed'), speed }).strict(),
  ]),
  'settings.get': empty,
  'settings.set': z
    .object({ theme: z.enum(['system', 'light', 'dark']), defaultChip: text(100), compileDebounceMs: int.min(0).max(10_000) })
    .partial()
    .strict(),
  'eval.inspect': z.object({ path: text(4096).min(1) }).strict(),
  'eval.previewSample': z.object({ dataset: text(4096).min(1), inputShape: shape3, mapping: inputMapping.optional(), sensor: sensorSize.optional() }).strict(),
  'eval.start': z
    .object({
      spec: modelSpec,
      dataset: text(4096).min(1),
      mode: z.enum(['event', 'timestep', 'both']),
      readout: z.enum(['count', 'first']),
      windowUs: int.min(1).max(3_600_000_000).nullable(),
      dtUs: int.min(1).max(10_000_000).optional(),
      workers: workers.optional(),
      fresh: z.boolean().optional(),
      deviceId: text(200).optional(),
      mapping: inputMapping.optional(),
      sensor: sensorSize.optional(),
    })
    .strict(),
  'eval.stop': z.object({ evaluationId }).strict(),
  'eval.resume': z.object({ evaluationId, workers: workers.optional() }).strict(),
  'evals.list': empty,
  'eval.get': z.object({ evaluationId }).strict(),
  'eval.csv': z.object({ evaluationId }).strict(),
  'eval.openSample': z.object({ evaluationId, file: text(4096).min(1), deviceId: text(200) }).strict(),
} satisfies { [C in RequestChannel]: z.ZodType<RequestOf<C>> };
