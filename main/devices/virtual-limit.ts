// How many virtual devkits of one type may exist at once. Each one that gets a
// configuration runs the chip simulator on its own worker thread (a V8 heap plus the
// chip's core state), and every one is listed to every client on each change, so
// `devices.addVirtual` in a loop used to grow the host without end. 16 per type is more
// parallel runs of one chip than a machine has cores to simulate them on; with the few
// deployable types that bounds the whole list too.

export const MAX_VIRTUAL_PER_TYPE = 16;

export class TooManyDevicesError extends Error {
  override readonly name = 'TooManyDevicesError';
  readonly code = 'TOO_MANY_DEVICES';
  constructor(
    readonly type: string,
    readonly existing: readonly string[],
  ) {
    super(
      `there are already ${existing.length} virtual devkits of type ${type} (the limit is ${MAX_VIRTUAL_PER_TYPE} per type, each simulating a whole chip): remove one (${existing.slice(-1)[0] ?? ''}) before adding another`,
    );
  }
}
