import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface AtelierProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/** Runs `atelier <args>` as a real OS process, exactly as a user or a container would. */
export function startAtelier(args: string[], env: Record<string, string>): AtelierProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    // Generous by default: starting tsx and the runtime takes ~20 s on a loaded two-core machine, and a
    // process that exits first fails the wait at once anyway.
    waitForOutput(pattern, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const deadline = setTimeout(() => {
          clearInterval(poll);
          reject(new Error(`no ${pattern} in output within ${timeoutMs} ms:\n${out.slice(-3000)}`));
        }, timeoutMs);
        const poll = setInterval(() => {
          const m = pattern.exec(out);
          if (m) {
            clearInterval(poll);
            clearTimeout(deadline);
            resolve(m[0]);
          } else if (child.exitCode !== null) {
            clearInterval(poll);
            clearTimeout(deadline);
            reject(new Error(`process exited (${child.exitCode}) before ${pattern}:\n${out.slice(-3000)}`));
          }
        }, 25);
      });
    },
  };
}

export async function stopAll(processes: AtelierProcess[]) {
  await Promise.all(
    processes.map(async (p) => {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGTERM');
        const t = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
        await p.exited;
        clearTimeout(t);
      }
    }),
  );
}
