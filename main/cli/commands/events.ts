// `dcnn events info FILE [--json]`: what a camera recording holds (format, sensor size,
// event count, time span, polarity counts, what was skipped and why).
// `dcnn events convert FILE --out OUT.npy|OUT.csv|OUT.aedat4 [--compression lz4|none] [input mapping]`:
// the same events (or, with --window/--crop/--downsample/--polarity/--refractory, the
// mapped ones) as a structured .npy (t int64 µs, x, y, p), a `t,x,y,p` CSV or AEDAT 4.0.
// Both stream the file in 1 MiB pieces: memory stays bounded for multi-GB recordings. A
// conversion is written to OUT.partial and renamed at the end, so a failure leaves no
// half file under the asked name.

import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FormatError } from '../../formats/format-error.js';
import { CAMERA_EXTENSIONS, createCameraDecoder, sniffCameraFormat, SNIFF_BYTES } from '../../formats/events/camera-formats.js';
import type { EventBlock } from '../../formats/events/event-block.js';
import { CAMERA_FORMAT_LABEL, type CameraFormat, type DecodeReport } from '../../formats/events/event-decoder.js';
import { EventSummary, type EventSummaryView } from '../../formats/events/event-summary.js';
import { createEventWriter, eventOutputFormatOf, type EventWriter } from '../../formats/events/event-writers.js';
import { CAMERA_CHUNK_BYTES } from '../../formats/event-files.js';
import { describeMapping, InputMapper, InputMappingError, mappingNote } from '../../formats/events/input-mapping.js';
import { datasetClasses, listDataset } from '../../services/dataset.js';
import { loadPacketCodecs } from '../../threads/lz4-wasm.js';
import { CliError, type CliIO } from '../cli-io.js';
import { INPUT_MAPPING_OPTIONS, INPUT_MAPPING_USAGE, parseInputMapping, parseSensorSize } from '../input-mapping-args.js';

const USAGE = `dcnn events info FILE [--json] | dcnn events dataset DIR [--json] | dcnn events convert FILE --out OUT.npy|OUT.csv|OUT.aedat4 [--compression lz4|none] ${INPUT_MAPPING_USAGE}`;

async function openInput(path: string): Promise<{ handle: FileHandle; size: number; format: CameraFormat }> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
  }
  const size = (await handle.stat()).size;
  const head = new Uint8Array(Math.min(size, SNIFF_BYTES));
  await handle.read(head, 0, head.length, 0);
  const format = sniffCameraFormat(head, basename(path));
  if (!format) {
    await handle.close();
    throw new CliError(`${path} is not a camera recording this workbench reads (${CAMERA_EXTENSIONS.map((e) => `.${e}`).join(', ')}: AEDAT 4.0 / 3.1 / 2.0, ATIS .bin, Prophesee .dat, EVT 2.0 / 3.0 .raw)`);
  }
  return { handle, size, format };
}

/** Streams the file through its decoder; `onBlock` sees every block of events. */
async function streamEvents(path: string, io: CliIO, onFormat: (format: CameraFormat, report: DecodeReport) => void, onBlock: (b: EventBlock) => Promise<void>): Promise<{ format: CameraFormat; report: DecodeReport; size: number }> {
  const { handle, size, format } = await openInput(path);
  const decoder = createCameraDecoder(format, format === 'aedat4' ? await loadPacketCodecs() : {});
  const buffer = new Uint8Array(CAMERA_CHUNK_BYTES);
  let position = 0;
  let started = false;
  let lastNote = performance.now();
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const block = decoder.push(buffer.subarray(0, bytesRead));
      if (!started) {
        started = true;
        onFormat(format, decoder.report());
      }
      await onBlock(block);
      if (performance.now() - lastNote > 2000 && size > 0) {
        lastNote = performance.now();
        io.err(`${basename(path)}: ${Math.round((100 * position) / size)}% (${(position / 2 ** 20).toFixed(0)} of ${(size / 2 ** 20).toFixed(0)} MiB)`);
      }
    }
    if (!started) onFormat(format, decoder.report());
    await onBlock(decoder.end());
    return { format, report: decoder.report(), size };
  } catch (e) {
    if (e instanceof FormatError) throw new CliError(`${path}: ${e.message}`, 1);
    throw e;
  } finally {
    await handle.close();
  }
}

function infoJson(path: string, format: CameraFormat, size: number, report: DecodeReport, s: EventSummaryView) {
  return {
    file: path,
    bytes: size,
    format,
    format_label: CAMERA_FORMAT_LABEL[format],
    sensor: report.sensor ? { width: report.sensor.width, height: report.sensor.height, source: report.sensor.source } : null,
    events: s.events,
    first_us: s.firstUs,
    last_us: s.lastUs,
    duration_us: s.minUs === null || s.maxUs === null ? null : s.maxUs - s.minUs,
    polarity: { on: s.on, off: s.off },
    max_x: s.maxX,
    max_y: s.maxY,
    timestamps_backwards: report.timestampsBackwards,
    time_wraps: report.timeWraps,
    skipped: report.skipped,
    warnings: report.warnings,
  };
}

async function infoCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (!positionals[0]) throw new CliError(`the recording is required: ${USAGE}`);
  const path = resolve(io.cwd, positionals[0]);
  const summary = new EventSummary();
  const { format, report, size } = await streamEvents(path, io, () => undefined, async (b) => summary.add(b));
  const j = infoJson(path, format, size, report, summary.view());
  if (values.json) {
    io.out(JSON.stringify(j));
    return 0;
  }
  io.out(`${path}`);
  io.out(`  format      ${j.format_label}`);
  io.out(`  sensor      ${j.sensor ? `${j.sensor.width} x ${j.sensor.height} (from ${j.sensor.source})` : `not in the file (events reach x ${j.max_x}, y ${j.max_y})`}`);
  io.out(`  events      ${j.events} (ON ${j.polarity.on}, OFF ${j.polarity.off})`);
  io.out(`  time        ${j.first_us === null ? 'no events' : `${j.first_us} .. ${j.last_us} us (${((j.duration_us ?? 0) / 1e6).toFixed(3)} s)`}`);
  for (const [what, n] of Object.entries(j.skipped)) io.out(`  skipped     ${n} ${what}`);
  for (const w of j.warnings.filter((w) => !w.startsWith('skipped '))) io.out(`  note        ${w}`);
  return 0;
}

async function convertCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string' }, compression: { type: 'string', default: 'lz4' }, ...INPUT_MAPPING_OPTIONS },
  });
  if (!positionals[0]) throw new CliError(`the recording is required: ${USAGE}`);
  if (!values.out) throw new CliError(`--out is required: ${USAGE}`);
  const outFormat = eventOutputFormatOf(values.out);
  if (!outFormat) throw new CliError(`--out must end in .npy, .csv or .aedat4; got "${values.out}"`);
  if (values.compression !== 'lz4' && values.compression !== 'none') throw new CliError(`--compression must be lz4 or none; got "${values.compression}"`);
  const compression = values.compression;
  const sensorOption = parseSensorSize(values.sensor);
  const mapping = parseInputMapping(values);
  let mapper: InputMapper | null = null;
  const path = resolve(io.cwd, positionals[0]);
  const outPath = resolve(io.cwd, values.out);
  if (outPath === path) throw new CliError('--out names the input file; choose another name');
  const partial = `${outPath}.partial`;
  const out = await open(partial, 'w');
  let writer: EventWriter | null = null;
  let outPosition = 0;
  const write = async (bytes: Uint8Array) => {
    if (bytes.length === 0) return;
    await out.write(bytes, 0, bytes.length, outPosition);
    outPosition += bytes.length;
  };
  let done = false;
  try {
    const result = await streamEvents(
      path,
      io,
      (format, report) => {
        const sourceSensor = sensorOption ?? (report.sensor ? { width: report.sensor.width, height: report.sensor.height } : undefined);
        if (mapping) {
          try {
            mapper = new InputMapper(mapping, sourceSensor ?? null);
          } catch (e) {
            if (e instanceof InputMappingError) throw new CliError(`${basename(path)}: ${e.message}`);
            throw e;
          }
        }
        const sensor = mapper ? { width: mapper.size.width, height: mapper.size.height } : sourceSensor;
        if (outFormat === 'aedat4' && !sensor) {
          throw new CliError(`${CAMERA_FORMAT_LABEL[format]} files carry no sensor size; give it for the AEDAT4 header with --sensor WxH (e.g. --sensor 34x34 for N-MNIST)`);
        }
        writer = createEventWriter(outFormat, { ...(sensor ? { sensor } : {}), compression, source: basename(path) });
      },
      async (block) => {
        if (!writer) return;
        if (outPosition === 0) await write(writer.start());
        for (const piece of writer.add(mapper ? mapper.map(block) : block)) await write(piece);
      },
    );
    const w = writer as EventWriter | null;
    if (!w) throw new Error('the writer was not made');
    if (outPosition === 0) await write(w.start());
    const end = w.end();
    for (const piece of end.tail) await write(piece);
    if (end.rewriteStart) await out.write(end.rewriteStart, 0, end.rewriteStart.length, 0);
    await out.close();
    await rename(partial, outPath);
    done = true;
    const written = (await stat(outPath)).size;
    const kept = (mapper as InputMapper | null)?.report().kept ?? result.report.events;
    io.out(`${outPath}: ${kept} events from ${CAMERA_FORMAT_LABEL[result.format]}${mapping ? ` (input mapping: ${describeMapping(mapping)})` : ''} (${written} bytes)`);
    for (const w2 of result.report.warnings) io.err(`note: ${w2}`);
    const m = mapper as InputMapper | null;
    const note = m && mapping ? mappingNote(mapping, m.report()) : null;
    if (note) io.err(`note: ${note}`);
    return 0;
  } finally {
    if (!done) {
      await out.close().catch(() => undefined);
      await rm(partial, { force: true });
    }
  }
}

function datasetCommand(argv: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (!positionals[0]) throw new CliError(`the dataset folder is required: ${USAGE}`);
  let dataset;
  try {
    dataset = listDataset(resolve(io.cwd, positionals[0]));
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const classes = datasetClasses(dataset);
  if (values.json) {
    io.out(JSON.stringify({ root: dataset.root, layout: dataset.layout, samples: dataset.samples.length, classes }));
    return 0;
  }
  io.out(`${dataset.root}: ${dataset.samples.length} samples in ${classes.length} classes (${dataset.layout === 'labels-csv' ? 'labels.csv' : 'one folder per class'})`);
  for (const c of classes) io.out(`  ${String(c.channel).padStart(3)}  ${c.name.padEnd(24)} ${c.samples} samples`);
  io.out('pick one: dcnn run MODEL ... --dataset DIR --class NAME|CHANNEL --index I');
  return 0;
}

export async function eventsCommand(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'info') return infoCommand(rest, io);
  if (sub === 'convert') return convertCommand(rest, io);
  if (sub === 'dataset') return datasetCommand(rest, io);
  throw new CliError(`dcnn events needs info, convert or dataset: ${USAGE}`);
}
