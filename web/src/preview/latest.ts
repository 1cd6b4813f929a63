/**
 * "Only the newest request counts." Each `begin()` aborts the previous request and hands out a
 * ticket; a response may be applied only while its ticket is still current. Aborting saves the
 * network; the sequence check covers what abort cannot (a response already parsed, an image decode).
 */
export interface Ticket {
  readonly seq: number;
  readonly signal: AbortSignal;
  isCurrent(): boolean;
}

export class LatestOnly {
  private seq = 0;
  private controller: AbortController | undefined;

  begin(): Ticket {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const seq = ++this.seq;
    return { seq, signal: controller.signal, isCurrent: () => seq === this.seq && !controller.signal.aborted };
  }

  /** Abandons whatever is in flight (the component is going away, or the selection was cleared). */
  cancel(): void {
    this.seq++;
    this.controller?.abort();
    this.controller = undefined;
  }

  get current(): number {
    return this.seq;
  }
}

/**
 * Runs `work` as the newest request and hands its result to `apply` only if nothing newer started
 * meanwhile. Returns whether it was applied.
 */
export async function runLatest<T>(guard: LatestOnly, work: (signal: AbortSignal) => Promise<T>, apply: (value: T) => void): Promise<boolean> {
  const ticket = guard.begin();
  let value: T;
  try {
    value = await work(ticket.signal);
  } catch (error) {
    if (!ticket.isCurrent()) return false;
    throw error;
  }
  if (!ticket.isCurrent()) return false;
  apply(value);
  return true;
}
