// Per-type device indices (`TYPE:INDEX`) with the stable-name rule:
// - a fresh enumeration numbers each type's devices 0..n-1 in (USB bus, address) order,
//   grouping all devices of a type wherever they appear in the list (TC-51; the
//   reference grouped consecutive runs only, which loses boards);
// - while a device stays plugged in its name never changes;
// - a newly attached device takes the smallest index of its type that is free.
// So after hot-plug the names can differ from what a fresh enumeration would give (e.g.
// unplug `speck2fdevkit:0`, and `speck2fdevkit:1` stays `:1` instead of becoming `:0`;
// a board plugged in later takes `:0` even if its address is higher). Restarting the
// app renumbers by bus/address. This module keeps only numbers; it knows no USB.

export interface NumberedSlot {
  /** Identity of the physical device while plugged in (e.g. "bus-address"). */
  key: string;
  type: string;
  bus: number;
  address: number;
}

export class DeviceNumbering {
  private readonly indexOf = new Map<string, { type: string; index: number }>();
  private readonly used = new Map<string, Set<number>>();

  /** Numbers a fresh enumeration: per type, sorted by (bus, address). Clears earlier assignments. */
  enumerate(slots: readonly NumberedSlot[]): Map<string, number> {
    this.indexOf.clear();
    this.used.clear();
    const byType = new Map<string, NumberedSlot[]>();
    for (const s of slots) {
      const group = byType.get(s.type) ?? [];
      group.push(s);
      byType.set(s.type, group);
    }
    const out = new Map<string, number>();
    for (const [type, group] of byType) {
      group.sort((a, b) => a.bus - b.bus || a.address - b.address);
      group.forEach((s, index) => {
        this.take(s.key, type, index);
        out.set(s.key, index);
      });
    }
    return out;
  }

  /** Index for a device attached after the enumeration: the smallest free index of its type. */
  attach(slot: NumberedSlot): number {
    const existing = this.indexOf.get(slot.key);
    if (existing) return existing.index;
    const used = this.used.get(slot.type) ?? new Set<number>();
    let index = 0;
    while (used.has(index)) index++;
    this.take(slot.key, slot.type, index);
    return index;
  }

  /** Frees the device's index for later attachments. */
  release(key: string): void {
    const a = this.indexOf.get(key);
    if (!a) return;
    this.indexOf.delete(key);
    this.used.get(a.type)?.delete(a.index);
  }

  indexFor(key: string): number | undefined {
    return this.indexOf.get(key)?.index;
  }

  private take(key: string, type: string, index: number): void {
    this.indexOf.set(key, { type, index });
    const used = this.used.get(type) ?? new Set<number>();
    used.add(index);
    this.used.set(type, used);
  }
}
