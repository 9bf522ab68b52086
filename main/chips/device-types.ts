// The device types the workbench recognises, as a table (devices.md §2-3, chip.md §2):
// each row says what the board is, which chip family it carries (-> per-core limits in
// families.ts) and whether the workbench can build a configuration for it. Adding a
// board is adding a row. USB vendor/product ids are NOT here: they are not public in our
// sources, so they live in the registry (device-registry.ts: built-in table + user file).

import type { ChipFamilyId } from './families.js';

export type DeviceKind = 'neuromorphic-processor' | 'event-camera' | 'other';

export interface DeviceType {
  /** Lowercase key used in device ids (`speck2fdevkit:0`), the reference's io-table name. */
  readonly key: string;
  /** The vendor's name for the board (samna `device_type_name`, or the builder name where samna has none). */
  readonly name: string;
  /** samna `device_type_name`; null for chips the reference can configure but not discover (speck2cmini/2dmini). */
  readonly samnaName: string | null;
  readonly kind: DeviceKind;
  /** Chip family (per-core limits); null for boards without a DYNAP-CNN core array. */
  readonly family: ChipFamilyId | null;
  /** The workbench can compile for it and run it (reference v2.0.0-v2.0.3 `supported_devices`). */
  readonly deployable: boolean;
  /** One line: why it is not deployable. Present exactly when `deployable` is false. */
  readonly reason?: string;
  /** Facts or uncertainties the UI should show next to the type. */
  readonly notes: readonly string[];
  /** How the board is recognised on USB, in words (ids come from the registry). */
  readonly usbNote: string;
}

const SYNSENSE_USB_NOTE =
  "SynSense's USB ids for this board are not public in our sources: add the ids `lsusb` shows to usb-ids.json in the app's data folder.";
const NOT_DISCOVERABLE_USB_NOTE =
  'The reference has no io-table entry for this chip (it builds configurations for it but cannot discover the board); usb-ids.json may still name its ids.';
const INIVATION_USB_NOTE =
  'iniVation camera: its USB ids are not built in (DAVIS240 and DAVIS346 boards can share product ids, so ids alone may not tell them apart); add the ids `lsusb` shows to usb-ids.json.';

const EARLY_SPECK = 'Early Speck: no released configuration builder (the reference had a `speck2` key for one commit in 2021-07 only).';
const BTINY_NOTE =
  "Treated as 9 cores (the reference's placement uses the 9-core Speck2b builder); a hardware test of the reference assumes 5 cores for 'tiny' boards. Not established which is right.";

export const DEVICE_TYPES: readonly DeviceType[] = [
  // The seed list: the reference's first io table (2021-05).
  { key: 'speck', name: 'speck', samnaName: 'speck', kind: 'neuromorphic-processor', family: 'speck2', deployable: false, reason: EARLY_SPECK, notes: [], usbNote: SYNSENSE_USB_NOTE },
  {
    key: 'dynapse2',
    name: 'DYNAP-SE2 DevBoard',
    samnaName: 'DYNAP-SE2 DevBoard',
    kind: 'neuromorphic-processor',
    family: null,
    deployable: false,
    reason: 'Different chip (DYNAP-SE2, mixed-signal): no DYNAP-CNN cores to configure.',
    notes: [],
    usbNote: SYNSENSE_USB_NOTE,
  },
  {
    key: 'dynapse2_stack',
    name: 'DYNAP-SE2 Stack',
    samnaName: 'DYNAP-SE2 Stack',
    kind: 'neuromorphic-processor',
    family: null,
    deployable: false,
    reason: 'Different chip (DYNAP-SE2, mixed-signal): no DYNAP-CNN cores to configure.',
    notes: [],
    usbNote: SYNSENSE_USB_NOTE,
  },
  { key: 'speck2devkit', name: 'Speck2DevKit', samnaName: 'Speck2DevKit', kind: 'neuromorphic-processor', family: 'speck2', deployable: false, reason: EARLY_SPECK, notes: [], usbNote: SYNSENSE_USB_NOTE },
  {
    key: 'dynapse1devkit',
    name: 'Dynapse1DevKit',
    samnaName: 'Dynapse1DevKit',
    kind: 'neuromorphic-processor',
    family: null,
    deployable: false,
    reason: 'Different chip (DYNAP-SE1, mixed-signal): no DYNAP-CNN cores to configure.',
    notes: [],
    usbNote: SYNSENSE_USB_NOTE,
  },
  { key: 'davis346', name: 'Davis 346', samnaName: 'Davis 346', kind: 'event-camera', family: null, deployable: false, reason: 'Event camera: a source of DVS events, not a processor to deploy to.', notes: [], usbNote: INIVATION_USB_NOTE },
  { key: 'davis240', name: 'Davis 240', samnaName: 'Davis 240', kind: 'event-camera', family: null, deployable: false, reason: 'Event camera: a source of DVS events, not a processor to deploy to.', notes: [], usbNote: INIVATION_USB_NOTE },
  { key: 'dvxplorer', name: 'DVXplorer', samnaName: 'DVXplorer', kind: 'event-camera', family: null, deployable: false, reason: 'Event camera: a source of DVS events, not a processor to deploy to.', notes: [], usbNote: INIVATION_USB_NOTE },
  {
    key: 'pollendevkit',
    name: 'PollenDevKit',
    samnaName: 'PollenDevKit',
    kind: 'neuromorphic-processor',
    family: null,
    deployable: false,
    reason: 'Different chip (Pollen): no DYNAP-CNN cores to configure.',
    notes: [],
    usbNote: SYNSENSE_USB_NOTE,
  },
  { key: 'dynapcnndevkit', name: 'DynapcnnDevKit', samnaName: 'DynapcnnDevKit', kind: 'neuromorphic-processor', family: 'dynapcnn', deployable: true, notes: [], usbNote: SYNSENSE_USB_NOTE },
  // Later additions (2021-07 ... 2023-03).
  { key: 'speck2b', name: 'Speck2bTestboard', samnaName: 'Speck2bTestboard', kind: 'neuromorphic-processor', family: 'speck2b', deployable: true, notes: [], usbNote: SYNSENSE_USB_NOTE },
  { key: 'speck2btiny', name: 'Speck2bDevKitTiny', samnaName: 'Speck2bDevKitTiny', kind: 'neuromorphic-processor', family: 'speck2b', deployable: true, notes: [BTINY_NOTE], usbNote: SYNSENSE_USB_NOTE },
  { key: 'speck2cmini', name: 'Speck2cMini', samnaName: null, kind: 'neuromorphic-processor', family: 'speck2cmini', deployable: true, notes: [], usbNote: NOT_DISCOVERABLE_USB_NOTE },
  { key: 'speck2dmini', name: 'Speck2dMini', samnaName: null, kind: 'neuromorphic-processor', family: 'speck2dmini', deployable: true, notes: [], usbNote: NOT_DISCOVERABLE_USB_NOTE },
  { key: 'speck2e', name: 'Speck2eTestBoard', samnaName: 'Speck2eTestBoard', kind: 'neuromorphic-processor', family: 'speck2e', deployable: true, notes: [], usbNote: SYNSENSE_USB_NOTE },
  { key: 'speck2edevkit', name: 'Speck2eDevKit', samnaName: 'Speck2eDevKit', kind: 'neuromorphic-processor', family: 'speck2e', deployable: true, notes: [], usbNote: SYNSENSE_USB_NOTE },
  {
    key: 'speck2fcharacter',
    name: 'Speck2fCharacterizationBoard',
    samnaName: 'Speck2fCharacterizationBoard',
    kind: 'neuromorphic-processor',
    family: 'speck2f',
    deployable: false,
    reason: 'Characterization board of 2023-01...03, replaced by speck2fmodule/speck2fdevkit; no released configuration builder.',
    notes: [],
    usbNote: SYNSENSE_USB_NOTE,
  },
  { key: 'speck2fmodule', name: 'Speck2fModuleDevKit', samnaName: 'Speck2fModuleDevKit', kind: 'neuromorphic-processor', family: 'speck2f', deployable: true, notes: [], usbNote: SYNSENSE_USB_NOTE },
  { key: 'speck2fdevkit', name: 'Speck2fDevKit', samnaName: 'Speck2fDevKit', kind: 'neuromorphic-processor', family: 'speck2f', deployable: true, notes: [], usbNote: SYNSENSE_USB_NOTE },
];

const BY_KEY: ReadonlyMap<string, DeviceType> = new Map(DEVICE_TYPES.map((t) => [t.key, t]));

/** Every recognised device type, in table order. */
export function deviceTypes(): readonly DeviceType[] {
  return DEVICE_TYPES;
}

/** Keys of the deployable types (the reference's `ChipFactory.supported_devices`, v2.0.0-v2.0.3). */
export function supportedDevices(): string[] {
  return DEVICE_TYPES.filter((t) => t.deployable).map((t) => t.key);
}

/** The type with this key (exact, lowercase), or undefined. */
export function deviceType(key: string): DeviceType | undefined {
  return BY_KEY.get(key);
}

export function isDeviceTypeKey(key: string): boolean {
  return BY_KEY.has(key);
}
