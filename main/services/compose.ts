// The composition root: builds every service once (registry, device manager, app
// database, compiler, project session, runs, replays), the event bus, and the request
// handlers behind the contract. app.ts, the web host and the CLI all call this; none of
// them re-implements service logic.

import { mkdirSync } from 'node:fs';
import type { AppInfo, DevicesView } from '../../preload/api.js';
import { DeviceManager } from '../devices/device-manager.js';
import { pythonCandidates } from '../devices/python-locator.js';
import { SamnaHost } from '../devices/samna-host.js';
import { loadDeviceRegistry, usbIdFilePath } from '../devices/usb-id-file.js';
import { createDispatcher, type Dispatcher, type Handlers } from '../ipc/dispatcher.js';
import { appHandlers } from '../ipc/handlers/app-handlers.js';
import { compileHandlers } from '../ipc/handlers/compile-handlers.js';
import { deviceHandlers, devicesView } from '../ipc/handlers/device-handlers.js';
import { projectHandlers } from '../ipc/handlers/project-handlers.js';
import { replayHandlers } from '../ipc/handlers/replay-handlers.js';
import { runHandlers } from '../ipc/handlers/run-handlers.js';
import { openAppDatabase, type AppDatabase } from '../store/app-database.js';
import { CompileService } from './compile-service.js';
import { EventBus } from './event-bus.js';
import { ProjectSession } from './project-session.js';
import { ReplayService } from './replay-service.js';
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
  log?: (message: string) => void;
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
  replays: ReplayService;
  dispatcher: Dispatcher;
  info: AppInfo;
  dispose(): Promise<void>;
}

export async function createServices(options: ServicesOptions): Promise<Services> {
  mkdirSync(options.dataDir, { recursive: true });
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const bus = new EventBus();
  const appDb = openAppDatabase(options.dataDir);
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
  const projects = new ProjectSession(options.dataDir, appDb, compiler, bus);
  const runs = new RunService(devices);
  const replays = new ReplayService(bus);
  const info: AppInfo = {
    version: options.version ?? '0.1.0',
    mode: options.mode === 'electron' ? 'electron' : 'web',
    platform: process.platform,
    dataDir: options.dataDir,
  };

  const emitDevices = (change: 'attach' | 'detach' | 'status', id?: string) => {
    const devicesNow: DevicesView = devicesView(devices);
    bus.emit('devices.changed', { change, devices: devicesNow, ...(id ? { id } : {}) });
  };
  devices.on('attach', (d) => emitDevices('attach', d.id));
  devices.on('detach', (d) => emitDevices('detach', d.id));
  devices.on('status', () => emitDevices('status'));

  const services = { bus, appDb, compiler, devices, samna, projects, runs, replays, info } as Services;
  const handlers: Handlers = {
    ...appHandlers(services),
    ...compileHandlers(services),
    ...deviceHandlers(services),
    ...projectHandlers(services),
    ...runHandlers(services),
    ...replayHandlers(services),
  };
  services.dispatcher = createDispatcher(handlers, log);
  services.dispose = async () => {
    replays.stopAll();
    await runs.stopAll();
    projects.close();
    await devices.dispose();
    await samna?.dispose();
    appDb.close();
  };
  return services;
}
