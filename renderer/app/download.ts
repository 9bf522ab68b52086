// Saves bytes or text as a file the browser (or the desktop app) downloads.

export function downloadFile(name: string, data: string | Uint8Array, type: string): void {
  const part: BlobPart = typeof data === 'string' ? data : new Uint8Array(data);
  const url = URL.createObjectURL(new Blob([part], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // Some browsers read the object URL only after the click handler returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
