// Saves bytes or text as a file the browser (or the desktop app) downloads.

export function downloadFile(name: string, data: string | Uint8Array, type: string): void {
  downloadParts(name, [typeof data === 'string' ? data : new Uint8Array(data)], type);
}

/** A file of several pieces (a long export read in parts): the Blob joins them, the page never does. */
export function downloadParts(name: string, parts: BlobPart[], type: string): void {
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // Some browsers read the object URL only after the click handler returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
