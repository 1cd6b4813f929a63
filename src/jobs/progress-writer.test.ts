import { describe, expect, it } from 'vitest';
import { progressWriter } from './progress-writer.ts';

/** A write that finishes when told to, like a database round trip on a busy machine. */
function slowWrites() {
  const started: number[] = [];
  const finished: number[] = [];
  const release: Array<() => void> = [];
  const write = (p: number) =>
    new Promise<void>((done) => {
      started.push(p);
      release.push(() => {
        finished.push(p);
        done();
      });
    });
  return { write, started, finished, release };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('a running render’s progress', () => {
  it('is written one value at a time, in order, the newest replacing those that waited', async () => {
    const w = slowWrites();
    let clock = 0;
    const writer = progressWriter(w.write, 100, () => clock);
    writer.report(0.1);
    await tick();
    clock += 150;
    writer.report(0.17);
    clock += 150;
    writer.report(0.3);
    await tick();
    // The first write is under way: nothing else started beside it.
    expect(w.started).toEqual([0.1]);
    w.release.shift()!();
    await tick();
    // 0.17 waited and was replaced by 0.3: the next write is the latest.
    expect(w.started).toEqual([0.1, 0.3]);
    w.release.shift()!();
    await writer.stop();
    expect(w.finished).toEqual([0.1, 0.3]);
  });

  it('takes at most one value per interval, never 1 (the final status says that)', async () => {
    const writes: number[] = [];
    let clock = 0;
    const writer = progressWriter(
      async (p) => void writes.push(p),
      100,
      () => clock,
    );
    writer.report(0.1);
    await tick();
    clock += 50;
    writer.report(0.2);
    await tick();
    clock += 60;
    writer.report(0.25);
    await tick();
    clock += 200;
    writer.report(1);
    await tick();
    await writer.stop();
    expect(writes).toEqual([0.1, 0.25]);
  });

  it('announces nothing after stop, and stop waits for the write under way', async () => {
    const w = slowWrites();
    let clock = 0;
    const writer = progressWriter(w.write, 100, () => clock);
    writer.report(0.5);
    await tick();
    let stopped = false;
    const stopping = writer.stop().then(() => (stopped = true));
    clock += 200;
    writer.report(0.9);
    await tick();
    expect(stopped).toBe(false);
    w.release.shift()!();
    await stopping;
    expect(w.finished).toEqual([0.5]);
    expect(w.started).toEqual([0.5]);
  });

  it('goes on after a failed write', async () => {
    const writes: number[] = [];
    let clock = 0;
    let fail = true;
    const writer = progressWriter(
      async (p) => {
        if (fail) {
          fail = false;
          throw new Error('connection lost');
        }
        writes.push(p);
      },
      100,
      () => clock,
    );
    writer.report(0.2);
    await tick();
    clock += 200;
    writer.report(0.4);
    await tick();
    await writer.stop();
    expect(writes).toEqual([0.4]);
  });

  it('drops values not yet written when stopped: the final status follows at once', async () => {
    const writes: number[] = [];
    const writer = progressWriter(async (p) => void writes.push(p), 0);
    writer.report(0.3);
    await writer.stop();
    writer.report(0.6);
    await tick();
    expect(writes).toEqual([]);
  });
});
