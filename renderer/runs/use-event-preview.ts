// Asks the host what a chosen event file is and how its input mapping looks
// (events.preview): once when the file is chosen (the host proposes the mapping that fits
// the sensor to the model), then after each edit of the mapping, a moment after the last
// key so a typed number is not sent digit by digit. One request at a time: each carries
// the whole file, so edits made while one is out wait and only the newest is sent after
// it (a large recording never piles up on the connection). A mapping whose fields have
// errors is not sent at all.

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

interface Wanted {
  file: { name: string; bytes: Uint8Array };
  inputShape: Shape3;
  mapping: InputMappingView | undefined;
  key: string;
}

/** `mapping`: undefined = the host's suggestion, null = do not ask (the fields have errors). */
export function useEventPreview(file: { name: string; bytes: Uint8Array } | null, inputShape: Shape3, mapping: InputMappingView | undefined | null): EventPreviewState {
  const api = useWorkbench();
  const [state, setState] = useState<EventPreviewState>({ preview: null, previewedKey: null, pending: false, error: null });
  const inFlight = useRef(false);
  /** The newest request wanted; sent when nothing is out. */
  const wanted = useRef<Wanted | null>(null);
  const current = useRef(file);
  current.current = file;
  const key = mapping === null ? null : mappingKey(mapping);
  const [c, h, w] = inputShape;

  // A new file starts afresh: nothing of the last file's preview may show.
  useEffect(() => {
    setState({ preview: null, previewedKey: null, pending: file !== null, error: null });
  }, [file]);

  useEffect(() => {
    if (!file || key === null) return;
    const request: Wanted = { file, inputShape: [c, h, w], mapping: mapping ?? undefined, key };
    setState((s) => ({ ...s, pending: true }));
    const send = () => {
      const next = wanted.current;
      if (!next || inFlight.current) return;
      wanted.current = null;
      inFlight.current = true;
      const req = { name: next.file.name, bytes: next.file.bytes, inputShape: next.inputShape, ...(next.mapping ? { mapping: next.mapping } : {}) };
      const settle = (update: EventPreviewState) => {
        inFlight.current = false;
        // The answer about a file no longer chosen shows nowhere.
        if (next.file !== current.current) return send();
        // A newer request waits: this answer is already stale, except to show something at all.
        if (wanted.current) {
          if (update.preview && wanted.current.file === next.file) setState({ ...update, pending: true });
          send();
        } else {
          setState(update);
        }
      };
      api['events.preview'](req).then(
        (preview) => settle({ preview, previewedKey: next.key, pending: false, error: null }),
        (e: unknown) => settle({ preview: null, previewedKey: null, pending: false, error: errorText(e) }),
      );
    };
    const timer = setTimeout(
      () => {
        wanted.current = request;
        send();
      },
      key === 'suggested' ? 0 : EDIT_PAUSE_MS,
    );
    return () => clearTimeout(timer);
  }, [api, file, key, c, h, w]);

  return state;
}
