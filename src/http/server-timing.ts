/**
 * Where a request's time went, stage by stage, for the `Server-Timing` header: the browser shows it
 * beside the request (devtools, Resource Timing's `serverTiming`), so a slow tap can be split into
 * what the server did and what the network and the page did, without server logs.
 */
export class StageClock {
  private readonly stages = new Map<string, number>();
  private last = performance.now();

  /** The time since the previous lap (or since the clock was made) counts as `name`. */
  lap(name: string): void {
    const now = performance.now();
    this.add(name, now - this.last);
    this.last = now;
  }

  /** Time measured elsewhere (a render thread's own figures); a stage named twice adds up. */
  add(name: string, ms: number): void {
    if (!(ms >= 0)) return;
    this.stages.set(name, (this.stages.get(name) ?? 0) + ms);
  }

  /** Starts the next lap now, without counting what came before (work done for another stage). */
  skip(): void {
    this.last = performance.now();
  }

  get(name: string): number | undefined {
    return this.stages.get(name);
  }

  /** `name;dur=1.2, …` — stage names are our own tokens, so they need no quoting. */
  header(): string {
    return [...this.stages].map(([name, ms]) => `${name};dur=${Math.round(ms * 10) / 10}`).join(', ');
  }
}
