// Files the window sends to the workbench travel in one request, which the host caps at
// MAX_REQUEST_BYTES: a larger file is refused here, before it is read into the page, with
// what to do instead (the host would refuse it anyway, after the browser had read it all).

import { MAX_REQUEST_BYTES } from '../../preload/api';

const mib = (n: number) => `${Math.ceil(n / (1024 * 1024))} MiB`;

/** Why `file` cannot be sent, or null. `instead` says what the user can do with a larger one. */
export function uploadProblem(file: { name: string; size: number }, instead: string): string | null {
  if (file.size <= MAX_REQUEST_BYTES) return null;
  return `${file.name} is ${mib(file.size)}; the window takes files of up to ${mib(MAX_REQUEST_BYTES)}. ${instead}`;
}
