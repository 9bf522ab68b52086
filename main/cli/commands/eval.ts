// `dcnn eval MODEL --weights W --input-shape C,H,W --dataset DIR [--mode event|timestep|both]
//  [--workers N] [--readout count|first] [--window-us US] [--dt-us 1000] [--project P [--new]]
//  [--csv FILE] [--engine native|wasm|js] [--pj-per-synop PJ] [--json]`
// Runs every sample of a dataset (a folder per class, or files + labels.csv) through the
// quantized model on all cores and prints accuracy, per-class accuracy, the confusion
// matrix and, with --json, one row per sample. With --project the evaluation is kept in the
// project sample by sample and goes on where it stopped when run again (--new starts over).
// --mode both scores chip semantics and the time-stepped mode side by side and lists the
// samples whose prediction changes between them, with the measured cause.

import { formatPercent, formatRate } from '../../common/number-format.js';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { INPUT_MAPPING_OPTIONS, parseInputMapping, parseSensorSize } from '../input-mapping-args.js';
import { compileModel } from '../../compiler/compile.js';
import { listDataset } from '../../services/dataset.js';
import { boardRunner } from '../../services/board-runner.js';
import { evaluateDataset, type EvaluationResult, type SampleRunner } from '../../services/evaluation.js';
import { queueRunner, redisConnection } from '../../services/eval-queue.js';
import { chooseEngine } from '../args.js';
import { CliError, type CliIO } from '../cli-io.js';
import { withServices } from '../cli-services.js';
import { projectEvaluation } from '../eval-project.js';
import { evaluationCsv } from '../../services/evaluation-rows.js';
import { disagreeingRows, scoreRows, type EvaluationScores } from '../../services/evaluation-scores.js';
import type { ChipFamilyId } from '../../chips/families.js';
import { estimateEnergy, formatNanojoules, publishedPower } from '../../common/energy-estimate.js';
import { describeCause, type DisagreementCause } from '../../sim/mode-disagreement.js';
import { openProjectForCli } from './run.js';
import { formatCompileResult, table } from '../compile-table.js';
import { COMPILE_OPTIONS, prepareCompile } from './compile.js';

function positiveInt(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${what} must be a positive integer; got "${text}"`);
  return n;
}

const MODE_NAMES = { event: 'event-driven (chip semantics)', timestep: 'time-stepped (reference)' } as const;

function formatEvaluation(r: EvaluationResult): string {
  if (r.mode === 'both') return formatBothModes(r, scoreRows(r.classes, 'both', r.rows));
  const lines = [
    // On a device the board, not a simulator mode, decides what happened.
    `${r.runner.startsWith('the device ') ? `evaluation on ${r.runner}` : `${MODE_NAMES[r.mode]} evaluation`}, readout: ${r.readout === 'count' ? 'most exit spikes' : 'first exit spike'}${r.runner.startsWith('the device ') ? '' : `, ${r.runner}`}`,
    `accuracy: ${formatPercent(r.accuracy)} (${r.correct} of ${r.samples}${r.silent ? `; ${r.silent} without any exit spike` : ''}${r.failed ? `; ${r.failed} unreadable, not counted` : ''})`,
    formatRate(r.samples / Math.max(1e-9, r.wallMs / 1000), 'samples/s'),
    '',
    table([['class', 'samples', 'correct', 'accuracy'], ...r.perClass.map((c) => [c.label, String(c.samples), String(c.correct), formatPercent(c.accuracy)])], ['l', 'r', 'r', 'r']),
    '',
    'confusion (rows: true class, columns: predicted; "none": no exit spike)',
    table([['', ...r.classes, 'none'], ...r.confusion.map((row, i) => [r.classes[i]!, ...row.map(String)])], ['l', ...r.classes.map(() => 'r' as const), 'r']),
  ];
  for (const row of r.rows.filter((x) => x.error)) lines.push(`unreadable: ${row.file}: ${row.error}`);
  return lines.join('\n');
}

function formatBothModes(r: EvaluationResult, scores: EvaluationScores): string {
  const [event, timestep] = scores.modes as [EvaluationScores['modes'][number], EvaluationScores['modes'][number]];
  const agreement = scores.agreement!;
  const label = (c: number | null) => (c === null ? 'none' : (r.classes[c] ?? `channel ${c}`));
  const disagreeing = disagreeingRows(r.rows);
  const lines = [
    `both modes: event-driven (chip semantics) and time-stepped (reference), readout: ${r.readout === 'count' ? 'most exit spikes' : 'first exit spike'}, ${r.runner}`,
    formatRate(r.samples / Math.max(1e-9, r.wallMs / 1000), 'samples/s'),
    '',
    table(
      [
        ['', 'event', 'timestep'],
        ['accuracy', formatPercent(event.accuracy), formatPercent(timestep.accuracy)],
        ['correct', `${event.correct} of ${event.samples}`, `${timestep.correct} of ${timestep.samples}`],
        ['no exit spike', String(event.silent), String(timestep.silent)],
        ...r.classes.map((c, i) => [c, formatPercent(event.perClass[i]!.accuracy), formatPercent(timestep.perClass[i]!.accuracy)]),
      ],
      ['l', 'r', 'r'],
    ),
    '',
    `${agreement.disagreeing} of ${agreement.samples} samples change their prediction between the modes (right only in chip semantics: ${agreement.eventOnlyCorrect}, only time-stepped: ${agreement.timestepOnlyCorrect})`,
  ];
  if (disagreeing.length > 0) {
    lines.push(
      table(
        [['file', 'label', 'event', 'timestep', 'why'], ...disagreeing.map((x) => [x.file, x.label, label(x.predicted), label(x.compared!.predicted), causesText(x.causes ?? null, label)])],
        ['l', 'l', 'l', 'l', 'l'],
      ),
    );
  }
  lines.push('', 'confusion, chip semantics (rows: true class, columns: predicted; "other": no exit spike, or a channel that is no class)');
  lines.push(table([['', ...r.classes, 'other'], ...event.confusion.map((row, i) => [r.classes[i]!, ...row.map(String)])], ['l', ...r.classes.map(() => 'r' as const), 'r']));
  lines.push('', 'confusion, time-stepped');
  lines.push(table([['', ...r.classes, 'other'], ...timestep.confusion.map((row, i) => [r.classes[i]!, ...row.map(String)])], ['l', ...r.classes.map(() => 'r' as const), 'r']));
  for (const row of r.rows.filter((x) => x.error)) lines.push(`unreadable: ${row.file}: ${row.error}`);
  return lines.join('\n');
}

/**
 * The energy line and JSON of an evaluation: synaptic operations times the user's figure
 * (no documented one exists), and the published resting power where there is one.
 */
function energyOf(r: EvaluationResult, family: ChipFamilyId, pjPerSynop: number | null, onDevice: boolean) {
  const power = publishedPower(family);
  const resting = power ? { resting_power_mw: power.restingMilliwatts, resting_power_source: power.source } : { resting_power_mw: null };
  const restingText = power ? ` The published resting power of the processor, ${power.restingMilliwatts} mW (${power.source}), comes on top for as long as the chip is powered.` : '';
  if (onDevice) {
    return { perSampleNj: null, json: { estimate: null, reason: 'the board does not report synaptic operations', ...resting }, text: `energy: no estimate (the board does not report synaptic operations).${restingText}` };
  }
  if (pjPerSynop === null) {
    return {
      perSampleNj: null,
      json: { estimate: null, reason: 'no energy per synaptic operation is documented for this chip: give --pj-per-synop', ...resting },
      text: `energy: give --pj-per-synop PJ for an estimate from the synaptic operations (no energy per operation is documented for ${family}).${restingText}`,
    };
  }
  const e = estimateEnergy(
    r.rows.map((x) => (x.error ? null : x.synapticOps)),
    pjPerSynop,
  );
  return {
    perSampleNj: e.perSampleNj,
    json: { estimate: 'synaptic operations x pj_per_synop (the figure given, not a documented one)', pj_per_synop: pjPerSynop, mean_nj_per_sample: e.meanNj, total_nj: e.totalNj, ...resting },
    text: `energy estimate: ${formatNanojoules(e.meanNj)} per sample on average, ${formatNanojoules(e.totalNj)} in all (synaptic operations x ${pjPerSynop} pJ, the figure given: none is documented for ${family}${r.mode === 'both' ? '; chip semantics\' operations' : ''}).${restingText}`,
  };
}

function causesText(causes: readonly DisagreementCause[] | null, label: (c: number | null) => string): string {
  return (causes ?? [{ kind: 'unattributed' as const }]).map((c) => describeCause(c, label)).join('; ');
}

function causesJson(causes: readonly DisagreementCause[] | null): Array<Record<string, unknown>> {
  return (causes ?? [{ kind: 'unattributed' as const }]).map((c) => ({ ...c }));
}

export async function evalCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...COMPILE_OPTIONS,
      dataset: { type: 'string' },
      mode: { type: 'string', default: 'event' },
      workers: { type: 'string' },
      readout: { type: 'string', default: 'count' },
      'window-us': { type: 'string' },
      'dt-us': { type: 'string', default: '1000' },
      json: { type: 'boolean' },
      project: { type: 'string' },
      new: { type: 'boolean' },
      csv: { type: 'string' },
      queue: { type: 'string' },
      engine: { type: 'string' },
      'pj-per-synop': { type: 'string' },
      python: { type: 'string' },
      'data-dir': { type: 'string' },
      ...INPUT_MAPPING_OPTIONS,
    },
  });
  const mapping = parseInputMapping(values);
  const sensor = parseSensorSize(values.sensor);
  const mode = values.mode;
  if (mode !== 'event' && mode !== 'timestep' && mode !== 'both') throw new CliError(`--mode must be "event", "timestep" or "both" (chip semantics and time-stepped side by side); got "${mode}"`);
  const readout = values.readout;
  if (readout !== 'count' && readout !== 'first') throw new CliError(`--readout must be "count" (most exit spikes) or "first" (first exit spike); got "${readout}"`);
  if (!values.dataset) throw new CliError('--dataset DIR is required: a folder with one sub-folder of event files per class (or files plus labels.csv)');
  const workers = positiveInt(values.workers, '--workers');
  const windowUs = positiveInt(values['window-us'], '--window-us');
  const dtUs = positiveInt(values['dt-us'], '--dt-us')!;
  const pjPerSynop = values['pj-per-synop'] === undefined ? null : Number(values['pj-per-synop']);
  if (pjPerSynop !== null && (!Number.isFinite(pjPerSynop) || pjPerSynop < 0 || values['pj-per-synop']!.trim() === '')) {
    throw new CliError(`--pj-per-synop must be the energy of one synaptic operation in picojoules (a number >= 0, e.g. 10); got "${values['pj-per-synop']}"`);
  }
  // Resolved here (the pool's threads load the same addon); with --queue each remote worker
  // uses the named engine, or its own fastest when none is named.
  const engine = chooseEngine(values.engine);
  const engineAsked = values.engine !== undefined ? engine.name : undefined;
  if (values.queue) {
    try {
      redisConnection(values.queue);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  }
  const dataset = listDataset(resolve(io.cwd, values.dataset));
  const evaluateWith = async (on: { runner: SampleRunner; chipType: string; deviceId: string } | null): Promise<number> => {
    const prepared = await prepareCompile({ ...values, model: positionals[0], ...(on ? { device: on.chipType } : {}) }, io);
    const compiled = compileModel(prepared.request, { modelKind: prepared.kind });
    if (!compiled.ok) {
      io.err(formatCompileResult(compiled, { model: prepared.modelPath, weights: prepared.weightsLabel }));
      return 1;
    }
    const abort = new AbortController();
    void io.interrupted?.then(() => abort.abort());
    let lastLine = 0;
    const project = values.project ? openProjectForCli(values.project, io, 'create') : null;
    try {
      const settings = { mode, readout, dtUs, windowUs: windowUs ?? null, mapping: mapping ?? null, sensor: sensor ?? null, ...(on ? { device: on.deviceId } : {}) };
      const stored = project
        ? projectEvaluation(project, { compiled, prepared, dataset: dataset.root, classes: dataset.classes, sampleCount: dataset.samples.length, settings, fresh: values.new === true })
        : null;
      if (!values.json) io.err(`simulator engine: ${values.queue ? (engineAsked ?? 'the fastest on each worker') : engine.name}`);
      if (stored && !values.json) {
        io.err(
          stored.resumed
            ? `evaluation ${stored.id}: going on with ${dataset.samples.length - stored.done.size} of ${dataset.samples.length} samples (${stored.done.size} done before)`
            : `evaluation ${stored.id}`,
        );
      }
      const result = await evaluateDataset(compiled, dataset, {
        ...(stored ? { done: stored.done, onSample: stored.onSample } : {}),
        mode,
        readout,
        dtUs,
        windowUs: windowUs ?? null,
        ...(mapping ? { mapping } : {}),
        ...(sensor ? { sensor } : {}),
        signal: abort.signal,
        ...(workers !== undefined ? { workers } : {}),
        ...(on ? { runner: on.runner } : values.queue ? { runner: queueRunner(values.queue) } : {}),
        ...(engineAsked ? { engine: engineAsked } : {}),
        onProgress: (p) => {
          const now = performance.now();
          if (now - lastLine < 1000 && p.done < p.total) return;
          lastLine = now;
          io.err(`${p.done}/${p.total} samples, ${formatRate(p.samplesPerSecond, 'samples/s')}${p.etaSeconds !== null && p.done < p.total ? `, ETA ${Math.ceil(p.etaSeconds)} s` : ''}`);
        },
      });
      const energy = energyOf(result, compiled.config!.family, pjPerSynop, on !== null);
      if (values.json) {
        const both = result.mode === 'both' ? scoreRows(result.classes, 'both', result.rows) : null;
        io.out(
          JSON.stringify({
            accuracy: result.accuracy,
            mode: result.mode,
            readout: result.readout,
            workers: result.workers,
            runner: result.runner,
            engine: values.queue ? (engineAsked ?? 'fastest on each worker') : engine.name,
            classes: result.classes,
            per_class: result.perClass,
            confusion: result.confusion,
            failed: result.failed,
            cancelled: result.cancelled,
            wall_ms: result.wallMs,
            energy: energy.json,
            ...(stored ? { evaluation_id: stored.id, resumed_samples: stored.done.size } : {}),
            ...(both
              ? {
                  modes: Object.fromEntries(
                    both.modes.map((m) => [m.mode, { accuracy: m.accuracy, correct: m.correct, samples: m.samples, silent: m.silent, per_class: m.perClass, confusion: m.confusion }]),
                  ),
                  disagreement: {
                    samples: both.agreement!.disagreeing,
                    of: both.agreement!.samples,
                    by_cause: both.agreement!.byCause,
                    event_only_correct: both.agreement!.eventOnlyCorrect,
                    timestep_only_correct: both.agreement!.timestepOnlyCorrect,
                    files: disagreeingRows(result.rows).map((x) => x.file),
                  },
                }
              : {}),
            samples: result.rows.map((r, i) => ({
              file: r.file,
              label: r.label,
              predicted: r.predictedLabel,
              predicted_channel: r.predicted,
              exit_counts: r.exitCounts,
              first_spike_us: r.firstSpikeUs,
              events_in: r.eventsIn,
              synaptic_ops: r.synapticOps,
              ...(energy.perSampleNj ? { energy_nj: energy.perSampleNj[i] } : {}),
              ...(r.error ? { error: r.error } : {}),
              ...(r.compared
                ? {
                    timestep: {
                      predicted: r.compared.predictedLabel,
                      predicted_channel: r.compared.predicted,
                      exit_counts: r.compared.exitCounts,
                      first_spike_us: r.compared.firstSpikeUs,
                      synaptic_ops: r.compared.synapticOps,
                    },
                    disagree: r.compared.predicted !== r.predicted,
                    ...(r.compared.predicted !== r.predicted ? { causes: causesJson(r.causes ?? null) } : {}),
                  }
                : {}),
            })),
          }),
        );
      } else io.out(`${formatEvaluation(result)}\n\n${energy.text}`);
      stored?.finish(result);
      if (values.csv) {
        const path = resolve(io.cwd, values.csv);
        await writeFile(path, evaluationCsv(result));
        if (!values.json) io.out(`per-sample results written to ${path}`);
      }
      return result.cancelled ? 1 : 0;
    } finally {
      project?.close();
    }
  };
  // --device TYPE:INDEX: the samples run on that device (a board through samna), one at a time.
  const deviceId = values.device !== undefined && /:\d+$/.test(values.device) ? values.device : null;
  if (deviceId === null) return evaluateWith(null);
  if (values.queue) throw new CliError(`--device ${deviceId} evaluates on that device from here; --queue sends samples to simulator workers: use one or the other`);
  if (mode !== 'event') throw new CliError(`on ${deviceId} the device decides the semantics: evaluate it with --mode event (the default), and the simulator with --mode both for its two modes`);
  return withServices(io, { dataDir: values['data-dir'], python: values.python }, async (services) => {
    let device;
    try {
      device = services.devices.resolve(deviceId);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    if (!device.deployable) throw new CliError(`${device.id} cannot take a model: ${device.reason ?? 'not deployable'}`, 1);
    const holder = `eval-${process.pid}`;
    const id = device.id;
    const board = boardRunner({ id, open: () => services.devices.open(id, { runId: holder }), release: () => services.devices.release(id, holder) });
    return evaluateWith({ runner: board, chipType: device.type, deviceId: id });
  });
}
