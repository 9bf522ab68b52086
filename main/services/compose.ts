// The composition root: builds every service once (registry, device manager, app
// database, compiler, project session, runs and their launcher, replays) and the event
// bus. app.ts, the web host and the CLI all call this; none of them re-implements service
// logic. The request handlers behind the contract are built on top, by
// main/ipc/workbench-dispatcher.ts: services know no transport.

import { mkdirSync } from 'node:fs';
import type { AppInfo, DevicesView } from '../../preload/api.js';
import { DeviceManager } from '../devices/device-manager.js';
import { pythonCandidates } from '../devices/python-locator.js';
import { SamnaHost } from '../devices/samna-host.js';
import { loadDeviceRegistry, usbIdFilePath } from '../devices/usb-id-file.js';
import { openAppDatabase, type AppDatabase } from '../store/app-database.js';
import { openProject } from '../store/project.js';
import { localProjectStore } from '../store/project-store.js';
import { simulatorInfo } from '../threads/native-engine.js';
import { StoreClient } from '../threads/store-client.js';
import { CompileService } from './compile-service.js';
import { devicesView } from './devices-view.js';
import { EvaluationService } from './evaluation-service.js';
import { EventBus } from './event-bus.js';
import { confineTo, UNCONFINED } from './path-confinement.js';
import { ProjectSession, type ProjectOpener } from './project-session.js';
import { ReplayService } from './replay-service.js';
import { RunExports } from './run-exports.js';
import { RunLauncher } from './run-launcher.js';
import { RunService } from './run-service.js';

export interface ServicesOptions {
  /** App data folder: app database, usb-ids.json, default project location. */
  dataDir: string;
  mode: AppInfo['mode'] | 'cli';
  version?: string;
  /** Use the real USB bus (default true). */
  usb?: boolean;
  /** Follow USB plug/unplug (default true). */
  hotplug?: boolean;
  /** Real boards through samna (default true). */
  samna?: boolean;
  /** `--python PATH`: the Python that has samna (beats DCNN_PYTHON and the setting devices.python). */
  python?: string | undefined;
  /**
   * Where projects are opened: 'worker' (the app and the web host: SQLite off the main
   * thread) or 'in-process' (the CLI). Default: in-process for mode 'cli', else worker.
   */
  store?: 'worker' | 'in-process';
  /** Where the samna bridge's diagnostics go (default stderr). */
  log?: (message: string) => void;
  /** Mode 'web': folders besides the data folder where projects may be made and opened (`--allow-dir`). */
  allowDirs?: readonly string[];
  /** Mode 'web': single project files that may be opened too (`--project`, named by the person starting the host). */
  allowFiles?: readonly string[];
}

export interface Services {
  bus: EventBus;
  appDb: AppDatabase;
  compiler: CompileService;
  devices: DeviceManager;
  /** samna for real boards; null when turned off. */
  samna: SamnaHost | null;
  projects: ProjectSession;
  runs: RunService;
  /** Starts, re-runs and stops runs: the one path for the UI and the CLI. */
  launcher: RunLauncher;
  replays: ReplayService;
  /** Dataset evaluations of the open project (the Evaluate view). */
  evaluations: EvaluationService;
  /** Recorded runs written as files for the window's download, read back in pieces. */
  exports: RunExports;
  info: AppInfo;
  dispose(): Promise<void>;
}

export async function createServices(options: ServicesOptions): Promise<Services> {
  mkdirSync(options.dataDir, { recursive: true });
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const bus = new EventBus();
  const appDb = openAppDatabase(options.dataDir);
  if (appDb.problem) log(`warning: ${appDb.problem}`);
  const compiler = new CompileService();
  const samna =
    options.samna === false ? null : new SamnaHost({ python: pythonCandidates({ option: options.python, setting: appDb.getSetting('devices.python') }), log });
  const devices = await DeviceManager.create({
    registry: loadDeviceRegistry(options.dataDir),
    usbIdFileHint: usbIdFilePath(options.dataDir),
    ...(options.usb === false ? { usb: null } : {}),
    hotplug: options.hotplug ?? true,
    ...(samna ? { boards: samna, realDrivers: samna } : {}),
  });
  const storeThread = (options.store ?? (options.mode === 'cli' ? 'in-process' : 'worker')) === 'worker' ? new StoreClient() : null;
  const openStore: ProjectOpener = storeThread
    ? (path, openOptions) => storeThread.open(path, openOptions)
    : (path, openOptions) => Promise.resolve().then(() => localProjectStore(openProject(path, openOptions)));
  // Only the web host serves requests from a browser tab; the app and the CLI act for the person at the keyboard.
  const confinement = options.mode === 'web' ? confineTo([options.dataDir, ...(options.allowDirs ?? [])], options.allowFiles ?? []) : UNCONFINED;
  const projects = new ProjectSession(openStore, options.dataDir, appDb, compiler, bus, confinement);
  const runs = new RunService(devices);
  const launcher = new RunLauncher({ runs, devices, compiler, projects });
  const replays = new ReplayService(bus);
  const evaluations = new EvaluationService({ projects, compiler, launcher, bus, confinement, devices });
  const exports = new RunExports();
  const info: AppInfo = {
    version: options.version ?? '0.1.0',
    mode: options.mode === 'electron' ? 'electron' : 'web',
    platform: process.platform,
    dataDir: options.dataDir,
    simulator: simulatorInfo(),
  };

  const emitDevices = (change: 'attach' | 'detach' | 'status', id?: string) => {
    const devicesNow: DevicesView = devicesView(devices);
    bus.emit('devices.changed', { change, devices: devicesNow, ...(id ? { id } : {}) });
  };
  devices.on('attach', (d) => emitDevices('attach', d.id));
  devices.on('detach', (d) => emitDevices('detach', d.id));
  devices.on('status', () => emitDevices('status'));

  return {
    bus,
    appDb,
    compiler,
    devices,
    samna,
    projects,
    runs,
    launcher,
    replays,
    evaluations,
    exports,
    info,
    async dispose() {
      await evaluations.dispose();
      await exports.dispose();
      await replays.stopAll();
      await runs.stopAll();
      await projects.close();
      await storeThread?.dispose();
      await devices.dispose();
      await samna?.dispose();
      await compiler.close();
      appDb.close();
    },
  };
}
