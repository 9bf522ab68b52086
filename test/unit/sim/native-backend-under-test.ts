// The native backend for the parity tests, or why it is absent. Tests skip (with the
// reason in their names) only when the addon is not built; on CI it must be, so there a
// missing addon fails instead of skipping.

import { nativeEngineStatus, nativeSimBackend, type NativeSimBackend } from '../../../main/threads/native-engine.js';

export const nativeBackend: NativeSimBackend | null = nativeSimBackend();

/** Title suffix for skipped suites: says why, and how to build. */
export const skipReason = nativeBackend ? '' : ` (SKIPPED: the native engine is ${nativeEngineStatus().reason}; run npm run build:native)`;

export const mustHaveNative = process.env['CI'] === 'true' && process.env['DCNN_NATIVE_ENGINE'] !== 'off';
