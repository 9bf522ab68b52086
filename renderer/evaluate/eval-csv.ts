// Saves text as a file the browser (or the desktop app) downloads; the CSV itself is made
// by the host, as `dcnn evals --csv` makes it.

export function downloadText(name: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // Some browsers read the object URL only after the click handler returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
