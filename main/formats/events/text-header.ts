// The ASCII header lines that open Prophesee .dat/.raw files ('%' lines) and jAER AEDAT
// 2.0/3.1 files ('#' lines). Only finds where the header ends and splits it into lines;
// each reader interprets its own keys.

/** Longer headers are not headers: the file is something else, or the header is broken. */
export const MAX_TEXT_HEADER = 1 << 20;

export interface TextHeader {
  lines: string[];
  /** Byte offset of the first byte after the header. */
  end: number;
}

/**
 * The header at the start of `bytes`: consecutive lines that begin with `mark`; it ends
 * before the first line that does not, or after a line equal to one of `terminators`.
 * Returns null when `bytes` ends before the header does (feed more bytes).
 */
export function scanTextHeader(bytes: Uint8Array, mark: number, terminators: readonly string[] = []): TextHeader | null {
  const lines: string[] = [];
  let pos = 0;
  for (;;) {
    if (pos >= bytes.length) return null;
    if (bytes[pos] !== mark) return { lines, end: pos };
    const nl = bytes.indexOf(0x0a, pos);
    if (nl < 0) return null;
    let s = '';
    for (let i = pos; i < nl; i++) s += String.fromCharCode(bytes[i]!);
    const line = s.replace(/\r$/, '');
    lines.push(line);
    pos = nl + 1;
    if (terminators.includes(line.trim())) return { lines, end: pos };
  }
}

/** "% key value" / "#key: value" lines as a lower-case-keyed map (first occurrence wins). */
export function headerKeys(lines: readonly string[]): Map<string, string> {
  const keys = new Map<string, string>();
  for (const raw of lines) {
    const m = /^[%#]\s*([A-Za-z_][\w .-]*?)\s*[: ]\s*(.*)$/.exec(raw);
    if (!m) continue;
    const k = m[1]!.toLowerCase();
    if (!keys.has(k)) keys.set(k, m[2]!.trim());
  }
  return keys;
}
