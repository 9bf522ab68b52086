// `dcnn replay P RUN [--speed 1|10|max] [--from T] [--to T] [--stream output|input] [--events [--no-header]]`
// Plays a recorded stream back in recording time. With --events stdout is CSV only (a
// header row, then one row per event), so it can be piped or redirected; what the replay
// is and how it ended then go to stderr.

import { parseArgs } from 'node:util';
import type { SpikeBatch } from '../../common/spike-batch.js';
import { formatMicros } from '../../common/number-format.js';
import { Replayer, type ReplayProgress } from '../../store/replayer.js';
import { ChipLayers } from '../chip-layers.js';
import { CliError, type CliIO } from '../cli-io.js';
import { requireRun, runId, withProject } from './project-access.js';

export const REPLAY_EVENTS_HEADER = 't_us,chip_layer,core,channel,x,y';

function parseTime(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!(v >= 0)) throw new CliError(`${flag} takes a time in µs (>= 0); got "${text}"`);
  return v;
}

/** CSV rows of a batch, one write per batch: a write per event would dominate the replay. */
function eventRows(batch: SpikeBatch, names: ChipLayers): string {
  const rows = new Array<string>(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const core = batch.layer[i]!;
    rows[i] = `${batch.t[i]},${names.chipLayerOf(core) ?? ''},${core},${batch.channel[i]},${batch.x[i]},${batch.y[i]}`;
  }
  return rows.join('\n');
}

/**
 * The recording time a progress line shows: the replay clock can run past the last event
 * (timer lateness) and, at max speed, does not move at all; neither is where the stream is.
 */
export function shownTime(progress: ReplayProgress, batch: SpikeBatch, endUs: number): number {
  const lastEvent = batch.length > 0 ? batch.t[batch.length - 1]! : progress.timeUs;
  return Math.min(Math.max(progress.timeUs, lastEvent), endUs);
}

function progressLine(batch: SpikeBatch, progress: ReplayProgress, endUs: number, names: ChipLayers): string {
  const perCore = new Map<number, number>();
  for (let i = 0; i < batch.length; i++) perCore.set(batch.layer[i]!, (perCore.get(batch.layer[i]!) ?? 0) + 1);
  const parts = [...perCore].map(([core, n]) => `${names.describe(core)}: ${n}`).join(', ');
  return `t=${formatMicros(shownTime(progress, batch, endUs))}  +${batch.length} events  (${parts})  total ${progress.delivered}`;
}

export async function replayCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      speed: { type: 'string', default: '1' },
      from: { type: 'string' },
      to: { type: 'string' },
      stream: { type: 'string', default: 'output' },
      events: { type: 'boolean' },
      'no-header': { type: 'boolean' },
    },
  });
  const speedText = values.speed;
  const speed = speedText === 'max' ? 'max' : Number(speedText);
  if (speed !== 'max' && !(speed > 0)) throw new CliError(`--speed must be a positive factor (1 = real time) or "max"; got "${speedText}"`);
  const stream = values.stream;
  if (stream !== 'input' && stream !== 'output') throw new CliError(`--stream must be input or output; got "${stream}"`);
  if (values['no-header'] && !values.events) throw new CliError('--no-header applies to --events (the CSV rows)');
  const id = runId(positionals[1]);
  const from = parseTime(values.from, '--from');
  const to = parseTime(values.to, '--to');
  return withProject(positionals[0], io, async (p) => {
    const names = ChipLayers.ofRun(requireRun(p, id));
    const reader = p.openRecording(id, stream);
    const info = values.events ? io.err.bind(io) : io.out.bind(io);
    const span = reader.firstT === null || reader.lastT === null ? 'no events' : `${formatMicros(reader.firstT)} .. ${formatMicros(reader.lastT)}`;
    info(`replaying the ${stream} of run ${id}: ${reader.count} events, ${span}, speed ${speed}`);
    const endUs = Math.min(to ?? Infinity, reader.lastT ?? 0);
    if (values.events && !values['no-header']) io.out(REPLAY_EVENTS_HEADER);
    let batches = 0;
    const replay = new Replayer(
      reader,
      (batch: SpikeBatch, progress) => {
        batches++;
        if (batch.length === 0) return;
        io.out(values.events ? eventRows(batch, names) : progressLine(batch, progress, endUs, names));
      },
      { speed, ...(from !== undefined ? { fromUs: from } : {}), ...(to !== undefined ? { toUs: to } : {}) },
    );
    void io.interrupted?.then(() => replay.stop());
    // The reader of stdout went away (`| head`): what it wanted has been printed.
    let closed = false;
    void io.outputClosed?.then(() => {
      closed = true;
      replay.stop();
    });
    replay.play();
    const end = await replay.done;
    if (closed) return 0;
    info(`${end.state}: ${end.delivered} events in ${batches} batches`);
    if (end.state === 'failed') io.err(`dcnn replay: ${end.error instanceof Error ? end.error.message : String(end.error)}`);
    return end.state === 'failed' ? 1 : 0;
  });
}
