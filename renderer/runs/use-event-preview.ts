// Asks the host what a chosen event file is and how its input mapping looks
// (events.preview): once when the file is chosen (the host proposes the mapping that fits
// the sensor to the model), then after each edit of the mapping, a moment after the last
// key so a typed number is not sent digit by digit. One request at a time: each carries
// the whole file, so edits made while one is out wait and only the newest is sent after
// it (a large recording never piles up on the connection). A mapping whose fields have
// errors is not sent at all.

import { useEffect, useMemo, useRef, useState } from 'react';
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

/** Where previews come from: a file the page holds, or a sample on the host. Its identity is the subject: a new one starts afresh. */
export interface PreviewSource {
  preview(inputShape: Shape3, mapping: InputMappingView | undefined): Promise<EventPreviewView>;
}

interface Wanted {
  source: PreviewSource;
  inputShape: Shape3;
  mapping: InputMappingView | undefined;
  key: string;
}

/** An event file chosen in the page, previewed by events.preview (the whole file goes with each request). */
export function useEventPreview(file: { name: string; bytes: Uint8Array } | null, inputShape: Shape3, mapping: InputMappingView | undefined | null): EventPreviewState {
  const api = useWorkbench();
  const source = useMemo<PreviewSource | null>(
    () => (file ? { preview: (shape, m) => api['events.preview']({ name: file.name, bytes: file.bytes, inputShape: shape, ...(m ? { mapping: m } : {}) }) } : null),
    [api, file],
  );
  return usePreview(source, inputShape, mapping);
}

/** `mapping`: undefined = the host's suggestion, null = do not ask (the fields have errors). */
export function usePreview(source: PreviewSource | null, inputShape: Shape3, mapping: InputMappingView | undefined | null): EventPreviewState {
  const [state, setState] = useState<EventPreviewState>({ preview: null, previewedKey: null, pending: false, error: null });
  const inFlight = useRef(false);
  /** The newest request wanted; sent when nothing is out. */
  const wanted = useRef<Wanted | null>(null);
  const current = useRef(source);
  current.current = source;
  const key = mapping === null ? null : mappingKey(mapping);
  const [c, h, w] = inputShape;

  // A new subject starts afresh: nothing of the last one's preview may show.
  useEffect(() => {
    setState({ preview: null, previewedKey: null, pending: source !== null, error: null });
  }, [source]);

  useEffect(() => {
    if (!source || key === null) return;
    const request: Wanted = { source, inputShape: [c, h, w], mapping: mapping ?? undefined, key };
    setState((s) => ({ ...s, pending: true }));
    const send = () => {
      const next = wanted.current;
      if (!next || inFlight.current) return;
      wanted.current = null;
      inFlight.current = true;
      const settle = (update: EventPreviewState) => {
        inFlight.current = false;
        // The answer about a subject no longer chosen shows nowhere.
        if (next.source !== current.current) return send();
        // A newer request waits: this answer is already stale, except to show something at all.
        if (wanted.current) {
          if (update.preview && wanted.current.source === next.source) setState({ ...update, pending: true });
          send();
        } else {
          setState(update);
        }
      };
      next.source.preview(next.inputShape, next.mapping).then(
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
  }, [source, key, c, h, w]);

  return state;
}
