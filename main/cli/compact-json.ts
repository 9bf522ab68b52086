// JSON for people and tools at once: indented like JSON.stringify(v, null, 1), except that
// an array of numbers (or of such arrays: shapes, kernel sizes, channel counts) is one line.
// One number per line made `dcnn compile --json` megabytes long and unreadable.

function isFlat(v: unknown): boolean {
  return Array.isArray(v) ? v.every(isFlat) : v === null || typeof v !== 'object';
}

export function compactJson(value: unknown, indent = 1): string {
  return write(value, '', ' '.repeat(indent));
}

function write(value: unknown, pad: string, step: string): string {
  // Values JSON.stringify writes as they are (and undefined members, which it drops).
  if (value === null || typeof value !== 'object' || isFlat(value)) return JSON.stringify(value) ?? 'null';
  const inner = pad + step;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + write(v, inner, step)).join(',\n')}\n${pad}]`;
  }
  const toJson = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof toJson === 'function') return write(toJson.call(value), pad, step);
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${write(v, inner, step)}`).join(',\n')}\n${pad}}`;
}
