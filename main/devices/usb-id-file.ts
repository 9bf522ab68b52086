// The lab's USB id file (`usb-ids.json` in the app's data folder): reading, validating
// with line/column for every problem, and building the device registry from it. A bad
// or unreadable file never stops the app: the registry then reports it as its status
// and works with the built-in table alone.
//
//   { "usb": [ { "type": "speck2fdevkit", "vendorId": "0x1234", "productId": "0xabcd", "note": "bench 3" } ] }
//
// Ids are hex strings as `lsusb` prints them (`0x` optional: "1a2b" = "0x1a2b") or
// plain JSON numbers (decimal, as JSON has no hex numbers).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DeviceRegistry, hex4, type UsbIdEntry, type UsbIdFileProblem } from '../chips/device-registry.js';
import { deviceTypes } from '../chips/device-types.js';
import { JsonTextError, parseJsonText, type JsonPath, type JsonText } from '../common/json-text.js';

export const USB_ID_FILE_NAME = 'usb-ids.json';

export interface UsbIdFileResult {
  entries: UsbIdEntry[];
  problems: UsbIdFileProblem[];
}

const ID_HINT = 'a USB id: a hex string as lsusb prints it ("0x1a2b" or "1a2b") or a number from 0 to 65535';

const usbIdValue = z.union([z.string(), z.number()], { error: `expected ${ID_HINT}` }).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : /^(0x)?[0-9a-f]{1,4}$/i.test(v.trim()) ? parseInt(v.trim().replace(/^0x/i, ''), 16) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not ${ID_HINT}` });
    return z.NEVER;
  }
  return n;
});

const typeKeys = deviceTypes().map((t) => t.key);

const usbIdFileSchema = z.strictObject({
  comment: z.string().optional(),
  usb: z.array(
    z.strictObject({
      type: z.string({ error: 'expected the device type as a string, e.g. "speck2fdevkit"' }).refine((t) => typeKeys.includes(t), {
        error: (iss) => `unknown device type ${JSON.stringify(iss.input)}; known types: ${typeKeys.join(', ')}`,
      }),
      vendorId: usbIdValue,
      productId: usbIdValue,
      note: z.string({ error: 'expected the note as a string' }).optional(),
    }),
    { error: 'expected "usb" to be a list: "usb": [ { "type": ..., "vendorId": ..., "productId": ... } ]' },
  ),
});

function valueAt(root: unknown, path: JsonPath): { present: boolean } {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object' || !(k in (v as Record<string | number, unknown>))) return { present: false };
    v = (v as Record<string | number, unknown>)[k];
  }
  return { present: true };
}

function describePath(path: JsonPath): string {
  return path.map((k, n) => (typeof k === 'number' ? `[${k}]` : n === 0 ? k : `.${k}`)).join('') || 'the file';
}

function issueProblem(issue: z.core.$ZodIssue, doc: JsonText): UsbIdFileProblem {
  const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const where = doc.locate([...path, key]);
    const allowed = path.length === 0 ? '"usb" (and an optional "comment")' : '"type", "vendorId", "productId", "note"';
    return { line: where.line, column: where.column, message: `unknown key ${JSON.stringify(key)} in ${describePath(path)}; allowed: ${allowed}` };
  }
  const where = doc.locate(path);
  const last = path[path.length - 1];
  if (typeof last === 'string' && !valueAt(doc.value, path).present) {
    return { line: where.line, column: where.column, message: `missing ${JSON.stringify(last)} in ${describePath(path.slice(0, -1))}` };
  }
  if (issue.code === 'invalid_type' && path.length === 0) {
    return { line: where.line, column: where.column, message: 'expected an object: { "usb": [ ... ] }' };
  }
  return { line: where.line, column: where.column, message: `${describePath(path)}: ${issue.message}` };
}

/** Validates the text of a usb-ids.json; `entries` is empty whenever `problems` is not. */
export function parseUsbIdFile(text: string): UsbIdFileResult {
  let doc: JsonText;
  try {
    doc = parseJsonText(text);
  } catch (e) {
    if (e instanceof JsonTextError) {
      return { entries: [], problems: [{ line: e.position.line, column: e.position.column, message: `not valid JSON: ${e.detail}` }] };
    }
    throw e;
  }
  const parsed = usbIdFileSchema.safeParse(doc.value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => issueProblem(issue, doc));
    problems.sort((a, b) => a.line - b.line || a.column - b.column);
    return { entries: [], problems };
  }
  const entries: UsbIdEntry[] = [];
  const problems: UsbIdFileProblem[] = [];
  const seen = new Map<string, UsbIdEntry>();
  parsed.data.usb.forEach((e, n) => {
    const where = doc.locate(['usb', n]);
    const key = `${e.vendorId}:${e.productId}`;
    const earlier = seen.get(key);
    if (earlier && earlier.type !== e.type) {
      problems.push({
        line: where.line,
        column: where.column,
        message: `USB id ${hex4(e.vendorId)}:${hex4(e.productId)} is given to "${e.type}" here and to "${earlier.type}" on line ${earlier.line}; one USB id can name only one device type`,
      });
      return;
    }
    const entry: UsbIdEntry = { type: e.type, vendorId: e.vendorId, productId: e.productId, source: 'user-file', line: where.line };
    if (e.note !== undefined) entry.note = e.note;
    if (!earlier) seen.set(key, entry);
    entries.push(entry);
  });
  return problems.length > 0 ? { entries: [], problems } : { entries, problems };
}

export function usbIdFilePath(dataDir: string): string {
  return join(dataDir, USB_ID_FILE_NAME);
}

/** A registry from the built-in table plus `<dataDir>/usb-ids.json` when it exists. Never throws for file problems. */
export function loadDeviceRegistry(dataDir: string): DeviceRegistry {
  const file = usbIdFilePath(dataDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new DeviceRegistry();
    const message = `the file cannot be read (${(e as Error).message}); check its permissions`;
    return new DeviceRegistry({ userFile: file, userFileProblems: [{ line: 1, column: 1, message }] });
  }
  const { entries, problems } = parseUsbIdFile(text);
  return new DeviceRegistry({ userFile: file, userIds: entries, userFileProblems: problems });
}
