// A camera recording's input mapping as a request carries it, from the mapping fields and
// the host's preview of them (the Run tab's file and the Evaluate view's dataset share it).

import { formOf, mappingOfForm, type FieldErrors } from './mapping-form';
import type { CameraMappingState } from './input-source';
import { mappingKey, type EventPreviewState } from './use-event-preview';

/**
 * The camera recording's mapping for the run request: pending until the host has looked
 * at the file; for a camera recording the fields' own errors, and the host's problem
 * with the very mapping it was shown (a stale answer is not held against a newer edit).
 */
export function cameraState(
  state: EventPreviewState,
  edited: ReturnType<typeof mappingOfForm> | null,
): CameraMappingState | null {
  if (state.pending && !state.preview) return { state: 'pending' };
  const view = state.preview;
  if (!view || !view.camera) return null;
  const current = edited ?? mappingOfForm(formOf(view.suggested));
  const errors: FieldErrors = { ...current.errors };
  const key = edited ? mappingKey(edited.mapping) : 'suggested';
  if (view.problem && state.previewedKey === key && !errors[view.problem.field]) {
    errors[view.problem.field] = view.problem.message;
  }
  return {
    state: 'camera',
    mapping: current.mapping,
    errors,
    ...(view.sensor ? {} : { sensor: view.extent }),
  };
}
