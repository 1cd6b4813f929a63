import os from 'node:os';

/** CPU time (ms) this process has used so far, all its threads. */
export const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
export const r1 = (x: number) => Math.round(x * 10) / 10;

export function median(values: number[]): number {
  return quantile(values, 0.5);
}

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summary(values: number[], digits = 2) {
  const r = (v: number) => Number(v.toFixed(digits));
  return { n: values.length, median: r(median(values)), p90: r(quantile(values, 0.9)), min: r(Math.min(...values)), max: r(Math.max(...values)) };
}

export function machine() {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}
