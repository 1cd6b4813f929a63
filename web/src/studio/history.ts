import { readRect, writeRect, type Mask, type Rect } from './mask.ts';

interface Patch {
  rect: Rect;
  before: Uint8Array;
  after: Uint8Array;
}

/**
 * Undo and redo of mask edits. Each edit keeps only the rectangle it changed, before and after, so
 * a brush stroke on a 12 MP photo costs kilobytes, not megabytes; the oldest edits are forgotten
 * once the history holds more than `maxBytes`.
 */
export class EditHistory {
  private done: Patch[] = [];
  private undone: Patch[] = [];
  private bytes = 0;

  constructor(private readonly maxBytes = 96 * 1024 * 1024) {}

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  get size(): number {
    return this.done.length;
  }

  /**
   * Records an edit: `before` is the whole mask as it was when the edit began (a snapshot), the
   * mask itself is as it is now, `rect` is where it changed. An edit that changed nothing is dropped.
   */
  record(mask: Mask, before: Uint8Array, rect: Rect | null): boolean {
    if (!rect || rect.w <= 0 || rect.h <= 0) return false;
    const patch = { rect, before: readRect(before, mask.width, rect), after: readRect(mask.data, mask.width, rect) };
    let same = true;
    for (let i = 0; i < patch.before.length; i++) {
      if (patch.before[i] !== patch.after[i]) {
        same = false;
        break;
      }
    }
    if (same) return false;
    this.done.push(patch);
    this.bytes += patch.before.length * 2;
    for (const p of this.undone) this.bytes -= p.before.length * 2;
    this.undone = [];
    while (this.bytes > this.maxBytes && this.done.length > 1) {
      const dropped = this.done.shift()!;
      this.bytes -= dropped.before.length * 2;
    }
    return true;
  }

  undo(mask: Mask): Rect | null {
    const patch = this.done.pop();
    if (!patch) return null;
    writeRect(mask.data, mask.width, patch.rect, patch.before);
    this.undone.push(patch);
    return patch.rect;
  }

  redo(mask: Mask): Rect | null {
    const patch = this.undone.pop();
    if (!patch) return null;
    writeRect(mask.data, mask.width, patch.rect, patch.after);
    this.done.push(patch);
    return patch.rect;
  }

  reset(): void {
    this.done = [];
    this.undone = [];
    this.bytes = 0;
  }
}
