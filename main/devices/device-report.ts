// What `dcnn devices` prints: the device list and the type registry as text tables and
// as the JSON shapes of the CLI contract, plus one line per event for `--watch`. Pure
// formatting over plain data; the CLI wires the commands and does the printing.
//
// JSON shapes (fields beyond the CLI contract are optional additions):
//   devices: {"devices": [{id, type, virtual, deployable, status, reason?, busyBy?, usb?}],
//             "usb": {status, message, fix}, "usbIds": {status, message}}
//   types:   {"types": [{key, name, kind, family, deployable, reason?, notes,
//             usb: {ids: [{vendorId: "0x....", productId: "0x....", source, note?}], note}}]}

import { hex4, type DeviceRegistry, type RegistryStatus } from '../chips/device-registry.js';
import type { DeviceKind } from '../chips/device-types.js';
import type { DeviceInfo, DeviceManager } from './device-manager.js';
import type { UsbStatus } from './usb-backend.js';
import type { SamnaStatus } from './samna-host.js';

export interface DevicesJson {
  devices: Array<{
    id: string;
    type: string;
    virtual: boolean;
    deployable: boolean;
    status: DeviceInfo['status'];
    reason?: string;
    busyBy?: { runId: string; since: string };
    usb?: { bus: number; address: number; vendorId: string; productId: string };
    serial?: string;
  }>;
  usb: { status: UsbStatus['status']; message: string; fix: string | null };
  /** Real boards through samna: present when the workbench uses it. */
  samna?: { status: SamnaStatus['status']; message: string; fix: string | null; python?: string; samnaVersion?: string; bridge?: string };
  usbIds?: { status: RegistryStatus['status']; message: string };
}

export interface TypeRow {
  key: string;
  name: string;
  kind: DeviceKind;
  family: string | null;
  deployable: boolean;
  reason?: string;
  notes: string[];
  usb: { ids: Array<{ vendorId: string; productId: string; source: 'built-in' | 'user-file'; note?: string }>; note: string };
}

export interface TypesJson {
  types: TypeRow[];
}

export function devicesJson(devices: readonly DeviceInfo[], usb: UsbStatus, registry?: RegistryStatus, samna?: SamnaStatus | null): DevicesJson {
  const out: DevicesJson = {
    devices: devices.map((d) => {
      const row: DevicesJson['devices'][number] = { id: d.id, type: d.type, virtual: d.virtual, deployable: d.deployable, status: d.status };
      if (d.reason !== undefined) row.reason = d.reason;
      if (d.busyBy) row.busyBy = { ...d.busyBy };
      if (d.usb) row.usb = { bus: d.usb.bus, address: d.usb.address, vendorId: hex4(d.usb.vendorId), productId: hex4(d.usb.productId) };
      if (d.serial !== undefined) row.serial = d.serial;
      return row;
    }),
    usb: { status: usb.status, message: usb.message, fix: usb.fix },
  };
  if (registry) out.usbIds = { status: registry.status, message: registry.message };
  if (samna) {
    out.samna = { status: samna.status, message: samna.message, fix: samna.fix };
    if (samna.hello) {
      out.samna.python = samna.hello.executable;
      out.samna.samnaVersion = samna.hello.samna;
      out.samna.bridge = samna.hello.bridge;
    }
  }
  return out;
}

export function typeRows(registry: DeviceRegistry): TypeRow[] {
  return registry.types().map((t) => {
    const row: TypeRow = {
      key: t.key,
      name: t.name,
      kind: t.kind,
      family: t.family,
      deployable: t.deployable,
      notes: [...t.notes],
      usb: {
        ids: registry.usbIdsFor(t.key).map((e) => {
          const id: TypeRow['usb']['ids'][number] = { vendorId: hex4(e.vendorId), productId: hex4(e.productId), source: e.source };
          if (e.note !== undefined) id.note = e.note;
          return id;
        }),
        note: t.usbNote,
      },
    };
    if (t.reason !== undefined) row.reason = t.reason;
    return row;
  });
}

export function typesJson(registry: DeviceRegistry): TypesJson {
  return { types: typeRows(registry) };
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

function statusCell(d: DeviceInfo): string {
  if (d.busyBy && d.status === 'busy') return `busy (run ${d.busyBy.runId})`;
  if (d.busyBy && d.status === 'disconnected') return `disconnected (run ${d.busyBy.runId} still holds it)`;
  return d.status;
}

export function formatDeviceTable(devices: readonly DeviceInfo[], usb: UsbStatus, registry?: RegistryStatus, samna?: SamnaStatus | null): string {
  const serials = devices.some((d) => d.serial !== undefined);
  const rows = devices.map((d) => [d.id, d.type, yesNo(d.virtual), yesNo(d.deployable), ...(serials ? [d.serial ?? '-'] : []), statusCell(d)]);
  const header = ['ID', 'TYPE', 'VIRTUAL', 'DEPLOYABLE', ...(serials ? ['SERIAL'] : []), 'STATUS'];
  const parts = [devices.length > 0 ? table(header, rows) : 'No devices.'];
  const reasons = devices.filter((d) => d.status === 'unsupported' && d.reason).map((d) => `  ${d.id}: ${d.reason}`);
  if (reasons.length > 0) parts.push(['Unsupported:', ...reasons].join('\n'));
  const usbLines = [`USB: ${usb.status} - ${usb.message}`];
  if (usb.fix) usbLines.push(`Fix: ${usb.fix}`);
  if (registry && registry.status !== 'ok') usbLines.push(`USB ids: ${registry.message}`);
  parts.push(usbLines.join('\n'));
  if (samna) parts.push([`samna: ${samna.status} - ${samna.message}`, ...(samna.fix ? [`Fix: ${samna.fix}`] : [])].join('\n'));
  return `${parts.join('\n\n')}\n`;
}

export function formatTypeTable(types: readonly TypeRow[]): string {
  const rows = types.map((t) => [
    t.key,
    t.name,
    t.kind,
    t.family ?? '-',
    yesNo(t.deployable),
    t.usb.ids.length > 0 ? t.usb.ids.map((i) => `${i.vendorId.slice(2)}:${i.productId.slice(2)}`).join(' ') : '-',
  ]);
  const parts = [table(['KEY', 'NAME', 'KIND', 'FAMILY', 'DEPLOYABLE', 'USB IDS'], rows)];
  const why = types.filter((t) => t.reason).map((t) => `  ${t.key}: ${t.reason}`);
  if (why.length > 0) parts.push(['Not deployable:', ...why].join('\n'));
  const notes = types.flatMap((t) => t.notes.map((n) => `  ${t.key}: ${n}`));
  if (notes.length > 0) parts.push(['Notes:', ...notes].join('\n'));
  if (types.every((t) => t.usb.ids.length === 0)) {
    parts.push("No USB ids known: SynSense's ids are not built in. Add yours (from `lsusb`) to usb-ids.json in the app's data folder (see README).");
  }
  return `${parts.join('\n\n')}\n`;
}

export type DeviceEventKind = 'attach' | 'detach' | 'status';

/** One line for `dcnn devices --watch`. */
export function formatDeviceEvent(kind: DeviceEventKind, payload: DeviceInfo | UsbStatus, at: Date): string {
  const time = at.toISOString().slice(11, 19);
  if (kind === 'status') {
    const s = payload as UsbStatus;
    return `${time} usb     ${s.status}: ${s.message}${s.fix ? ` Fix: ${s.fix}` : ''}`;
  }
  const d = payload as DeviceInfo;
  const where = d.usb ? `bus ${d.usb.bus}, address ${d.usb.address}, ${hex4(d.usb.vendorId).slice(2)}:${hex4(d.usb.productId).slice(2)}` : 'virtual';
  const held = kind === 'detach' && d.busyBy ? `; run ${d.busyBy.runId} held it and is told 'device-unplugged'` : '';
  return `${time} ${kind.padEnd(7)} ${d.id} (${d.type}, ${where})${held}`;
}

/** Prints every attach/detach/status of the manager as a line; returns the unsubscribe function. */
export function watchDeviceEvents(manager: DeviceManager, writeLine: (line: string) => void, now: () => Date = () => new Date()): () => void {
  const offs = [
    manager.on('attach', (d) => writeLine(formatDeviceEvent('attach', d, now()))),
    manager.on('detach', (d) => writeLine(formatDeviceEvent('detach', d, now()))),
    manager.on('status', (s) => writeLine(formatDeviceEvent('status', s, now()))),
  ];
  return () => offs.forEach((off) => off());
}
