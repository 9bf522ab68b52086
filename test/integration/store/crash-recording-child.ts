// Child process of crash-recovery.test.ts (not a test itself): records the test stream
// into a project and reports on stdout what it has committed, until the test kills it.
// Usage: node --import tsx crash-recording-child.ts <project> <pause|flood>
//   pause: records 5 full input chunks plus a partial one (and half as many output
//          events), prints "ready ..." and waits to be killed with events uncommitted.
//   flood: records as fast as it can, printing each new committed count.
// stdout is a pipe, which Node writes synchronously on Linux: a printed count was
// committed before the line left the process.

import { openProject } from '../../../main/store/project.js';
import { MODEL, streamBatch } from './store-fixtures.js';

const [path, mode] = process.argv.slice(2);
if (!path || (mode !== 'pause' && mode !== 'flood')) throw new Error('usage: crash-recording-child.ts <project> <pause|flood>');

const project = openProject(path, { create: true });
const mv = project.addModelVersion(MODEL);
// A long latency bound: only full chunks commit, so the partial one is lost on kill.
const recorder = project.startRun({
  modelVersionId: mv.id,
  deviceId: 'sim-speck2fdevkit:0',
  deviceType: 'speck2fdevkit',
  monitorLayers: [0],
  recording: { chunkEvents: 1000, maxLatencyMs: 600_000 },
});
process.stdout.write(`run ${recorder.runId}\n`);

let fedIn = 0;
let fedOut = 0;
let lastReported = '';
function step(): void {
  recorder.recordInput(streamBatch(fedIn, 250));
  fedIn += 250;
  recorder.recordOutput(streamBatch(fedOut, 125));
  fedOut += 125;
  const c = recorder.committed;
  const line = `committed ${c.input} ${c.output}`;
  if (line !== lastReported) {
    process.stdout.write(`${line}\n`);
    lastReported = line;
  }
}

if (mode === 'pause') {
  while (fedIn < 5250) step();
  const c = recorder.committed;
  const a = recorder.accepted;
  process.stdout.write(`ready ${c.input} ${c.output} ${a.input} ${a.output}\n`);
  setInterval(() => {}, 1000);
} else {
  const loop = () => {
    for (let i = 0; i < 20; i++) step();
    setImmediate(loop);
  };
  loop();
}
