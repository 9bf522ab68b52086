// Asks the host what a chosen event file is and how its input mapping looks
// (events.preview): once when the file is chosen (the host proposes the mapping that fits
// the sensor to the model), then after each edit of the mapping, a moment after the last
// key so a typed number is not sent digit by digit. A reply to an older request is
// dropped; a mapping whose fields have errors is not sent at all.

import { useEffect, useRef, useState } from 'react';
import type { EventPreviewView, InputMappingView, Shape3 } from '../../preload/api';
import { errorText, useWorkbench } from '../app/workbench-api';

const EDIT_PAUSE_MS = 250;

export interface EventPreviewState {
  preview: EventPreviewView | null;
  /** The mapping `preview` was made for, as a key (JSON), to tell a current preview from a stale one. */
  previewedKey: string | null;
  pending: boolean;
  error: string | null;
}

export const mappingKey = (m: InputMappingView | undefined): string => (m === undefined ? 'suggested' : JSON.stringify(m));

/** `mapping`: undefined = the host's suggestion, null = do not ask (the fields have errors). */
export function useEventPreview(file: { name: string; bytes: Uint8Array } | null, inputShape: Shape3, mapping: InputMappingView | undefined | null): EventPreviewState {
  const api = useWorkbench();
  const [state, setState] = useState<EventPreviewState>({ preview: null, previewedKey: null, pending: false, error: null });
  const latest = useRef(0);
  const key = mapping === null ? null : mappingKey(mapping);
  const [c, h, w] = inputShape;

  // A new file starts afresh: nothing of the last file's preview may show.
  useEffect(() => {
    setState({ preview: null, previewedKey: null, pending: file !== null, error: null });
  }, [file]);

  useEffect(() => {
    if (!file || key === null) return;
    const ticket = ++latest.current;
    setState((s) => ({ ...s, pending: true }));
    const timer = setTimeout(
      () => {
        const req = { name: file.name, bytes: file.bytes, inputShape: [c, h, w] as Shape3, ...(mapping ? { mapping } : {}) };
        api['events.preview'](req).then(
          (preview) => {
            if (ticket === latest.current) setState({ preview, previewedKey: key, pending: false, error: null });
          },
          (e: unknown) => {
            if (ticket === latest.current) setState({ preview: null, previewedKey: null, pending: false, error: errorText(e) });
          },
        );
      },
      key === 'suggested' ? 0 : EDIT_PAUSE_MS,
    );
    return () => clearTimeout(timer);
  }, [api, file, key, c, h, w]);

  return state;
}
