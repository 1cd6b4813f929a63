import { EditHistory } from './history.ts';
import { applyRegion, clearMask, createMask, invertMask, unionRect, stampSegment, type Mask, type Rect } from './mask.ts';

type Listener = (changed: Rect | null) => void;

/**
 * One mask being edited: its pixels, its undo history, the brush stroke in progress. Every change
 * tells the listeners which rectangle moved, so the editor redraws only that.
 */
export class MaskDoc {
  readonly mask: Mask;
  readonly history = new EditHistory();
  private listeners = new Set<Listener>();
  private stroke?: { snapshot: Uint8Array; rect: Rect | null; x: number; y: number; radius: number; value: number };

  constructor(width: number, height: number) {
    this.mask = createMask(width, height);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(rect: Rect | null) {
    for (const l of this.listeners) l(rect);
  }

  /** The starting mask (the suggestion, or none): not an edit, nothing to undo. */
  load(data: Uint8Array) {
    this.mask.data.set(data);
    this.history.reset();
    this.emit({ x: 0, y: 0, w: this.mask.width, h: this.mask.height });
  }

  get painting(): boolean {
    return !!this.stroke;
  }

  beginStroke(x: number, y: number, radius: number, value: number) {
    this.stroke = { snapshot: this.mask.data.slice(), rect: null, x, y, radius, value };
    this.strokeTo(x, y);
  }

  strokeTo(x: number, y: number) {
    const s = this.stroke;
    if (!s) return;
    const rect = stampSegment(this.mask, s.x, s.y, x, y, s.radius, s.value);
    s.x = x;
    s.y = y;
    s.rect = unionRect(s.rect, rect);
    if (rect) this.emit(rect);
  }

  endStroke() {
    const s = this.stroke;
    if (!s) return;
    this.stroke = undefined;
    this.history.record(this.mask, s.snapshot, s.rect);
    this.emit(null);
  }

  /** A second finger came down: the first one was starting a pinch, not painting. */
  cancelStroke() {
    const s = this.stroke;
    if (!s) return;
    this.stroke = undefined;
    this.mask.data.set(s.snapshot);
    this.emit(s.rect);
  }

  private edit(change: (mask: Mask) => Rect | null) {
    this.endStroke();
    const snapshot = this.mask.data.slice();
    const rect = change(this.mask);
    this.history.record(this.mask, snapshot, rect);
    this.emit(rect);
  }

  addRegion(region: Uint8Array, bounds: Rect, value = 255) {
    this.edit((m) => applyRegion(m, region, bounds, value));
  }

  invert() {
    this.edit(invertMask);
  }

  clear() {
    this.edit(clearMask);
  }

  undo() {
    this.endStroke();
    this.emit(this.history.undo(this.mask));
  }

  redo() {
    this.endStroke();
    this.emit(this.history.redo(this.mask));
  }

  isEmpty(): boolean {
    const d = this.mask.data;
    for (let i = 0; i < d.length; i++) if (d[i]) return false;
    return true;
  }
}
