// A dataset of event recordings as lab users keep them: one folder per class
// (DIR/<class>/<sample files>, as N-MNIST and N-Caltech101 ship), or sample files plus a
// labels CSV (DIR/labels.csv with rows `file,label`). Classes are numbered in sorted name
// order unless DIR/classes.txt lists them one per line (then output channel i = line i).
// This module lists samples; it does not read their events.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ServiceError } from './service-error.js';

export interface DatasetSample {
  /** Path relative to the dataset folder, with '/' separators. */
  file: string;
  /** Absolute path. */
  path: string;
  label: string;
  /** Index of `label` in `classes`: the output channel that should win. */
  labelIndex: number;
}

export interface Dataset {
  root: string;
  layout: 'class-folders' | 'labels-csv';
  classes: string[];
  samples: DatasetSample[];
}

/** File endings taken as samples; the event readers recognise the format from the content. */
const SAMPLE_ENDINGS = ['.npy', '.csv', '.aedat4', '.aedat', '.bin', '.dat', '.raw'];

function isSample(name: string): boolean {
  const lower = name.toLowerCase();
  return !lower.startsWith('.') && lower !== 'labels.csv' && SAMPLE_ENDINGS.some((e) => lower.endsWith(e));
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function classOrder(root: string, found: readonly string[]): string[] {
  const listed = join(root, 'classes.txt');
  if (!existsSync(listed)) return [...found].sort(byName);
  const names = readFileSync(listed, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  const missing = found.filter((c) => !names.includes(c));
  if (missing.length > 0) throw new ServiceError('BAD_DATASET', `${listed} does not list the classes ${missing.join(', ')} that the dataset has: add them (one class per line)`);
  return names;
}

function fromLabelsCsv(root: string): Dataset {
  const text = readFileSync(join(root, 'labels.csv'), 'utf8');
  const rows = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (rows[0]?.toLowerCase().replace(/\s/g, '') === 'file,label') rows.shift();
  const pairs = rows.map((row, i) => {
    const comma = row.lastIndexOf(',');
    if (comma <= 0) throw new ServiceError('BAD_DATASET', `labels.csv line ${i + 1}: expected "file,label", got "${row}"`);
    const file = row.slice(0, comma).trim();
    const path = join(root, file);
    if (!existsSync(path)) throw new ServiceError('BAD_DATASET', `labels.csv line ${i + 1}: ${file} does not exist in ${root}`);
    return { file, path, label: row.slice(comma + 1).trim() };
  });
  const classes = classOrder(root, [...new Set(pairs.map((p) => p.label))]);
  return { root, layout: 'labels-csv', classes, samples: pairs.map((p) => ({ ...p, labelIndex: classes.indexOf(p.label) })) };
}

export function listDataset(root: string): Dataset {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new ServiceError('BAD_DATASET', `${root} is not a folder: a dataset is a folder with one sub-folder per class, or sample files plus labels.csv`);
  if (existsSync(join(root, 'labels.csv'))) return fromLabelsCsv(root);
  const folders = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
  const classes = classOrder(root, folders);
  const samples: DatasetSample[] = [];
  classes.forEach((label, labelIndex) => {
    const dir = join(root, label);
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).filter(isSample).sort(byName)) {
      const path = join(dir, name);
      samples.push({ file: relative(root, path).split(sep).join('/'), path, label, labelIndex });
    }
  });
  if (samples.length === 0) throw new ServiceError('BAD_DATASET', `${root} holds no samples: expected <class>/<file> with files ending in ${SAMPLE_ENDINGS.join(', ')} (or a labels.csv)`);
  return { root, layout: 'class-folders', classes, samples };
}

/** One sample by class (name, or output channel number) and index within the class (0-based). */
export function pickSample(dataset: Dataset, className: string, index: number): DatasetSample {
  const byNumber = /^\d+$/.test(className) && !dataset.classes.includes(className) ? dataset.classes[Number(className)] : undefined;
  const label = byNumber ?? className;
  if (!dataset.classes.includes(label)) {
    throw new ServiceError('BAD_DATASET', `${dataset.root} has no class "${className}" (classes: ${dataset.classes.join(', ')}; a class is named, or given by its output channel 0..${dataset.classes.length - 1})`);
  }
  const inClass = dataset.samples.filter((s) => s.label === label);
  if (!Number.isInteger(index) || index < 0 || index >= inClass.length) {
    throw new ServiceError('BAD_DATASET', `class "${label}" of ${dataset.root} has ${inClass.length} samples (index 0..${inClass.length - 1}); got index ${index}`);
  }
  return inClass[index]!;
}

/** Classes with their sample counts, in output-channel order. */
export function datasetClasses(dataset: Dataset): Array<{ channel: number; name: string; samples: number }> {
  return dataset.classes.map((name, channel) => ({ channel, name, samples: dataset.samples.filter((s) => s.label === name).length }));
}
