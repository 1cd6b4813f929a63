/**
 * Chromium with no automation library attached: a tablet's browser as the associate has it. Playwright
 * enables DevTools' Network, Page and Runtime events on every page it drives and parses each one (a
 * data: URL preview's 45 KB among them); on these two cores that traffic is CPU the server and the
 * page lack, and a real tablet never pays it. Here the bench speaks the DevTools protocol itself,
 * enables no domain (so Chromium sends no events), and sends a handful of commands: set the session
 * cookie, open the page, run one script that does the taps in the page and hands back its figures.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/helpers/browser.ts';

export interface BarePage {
  /** Runs `expression` in the page, awaits its promise, and returns its value (JSON). */
  evaluate<T>(expression: string, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/**
 * A fresh Chromium profile on one page at `url`, the cookie set first. `lang` and the window's size
 * are the tablet's (what Playwright's context options set otherwise).
 */
export async function openBarePage(
  url: string,
  options: { cookie: { name: string; value: string }; width: number; height: number; lang: string },
): Promise<BarePage> {
  if (typeof WebSocket !== 'function') throw new Error('the bare Chromium page needs Node’s WebSocket (Node 22)');
  const profile = await mkdtemp(path.join(os.tmpdir(), 'atelier-bare-chromium-'));
  const child = spawn(
    CHROMIUM,
    [
      ...CHROMIUM_ARGS,
      // What Playwright passes too, so the page is not throttled as a background one would be.
      '--disable-background-timer-throttling',
      '--disable-backgrounding-occluded-windows',
      '--disable-renderer-backgrounding',
      '--hide-scrollbars',
      '--mute-audio',
      '--force-device-scale-factor=1',
      `--window-size=${options.width},${options.height}`,
      `--lang=${options.lang}`,
      `--user-data-dir=${profile}`,
      '--remote-debugging-port=0',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let ws: WebSocket | undefined;
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // Asked to close, Chromium ends its page processes and removes what it keeps in /tmp (its
      // singleton folder); killed, it leaves that folder, and a page process may still be writing
      // to the profile while it is removed.
      if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ id: 0, method: 'Browser.close' }));
      else child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(kill);
    }
    ws?.close();
    await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  };
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`Chromium did not open its DevTools port: ${err.slice(-500)}`)), 30_000);
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => {
        err += chunk;
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`Chromium exited (${code}): ${err.slice(-500)}`)));
    });
    const socket = new WebSocket(endpoint);
    ws = socket;
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error('could not connect to Chromium’s DevTools port')), { once: true });
    });
    let next = 0;
    const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
    socket.addEventListener('message', (event) => {
      const m = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
      if (m.id === undefined) return;
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error.message));
      else p?.resolve(m.result);
    });
    socket.addEventListener('close', () => {
      for (const p of pending.values()) p.reject(new Error('Chromium’s DevTools connection closed'));
      pending.clear();
    });
    const send = <T>(method: string, params: object = {}, sessionId?: string): Promise<T> =>
      new Promise((resolve, reject) => {
        const id = ++next;
        pending.set(id, { resolve, reject });
        socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
      });
    await send('Storage.setCookies', { cookies: [{ ...options.cookie, url, httpOnly: true, sameSite: 'Strict' }] });
    const { targetId } = await send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
    await send('Page.navigate', { url }, sessionId);
    // Page.navigate answers when the navigation starts: a script run before the new document commits
    // would run in about:blank and be lost with it.
    for (const until = Date.now() + 30_000; ; ) {
      const { result } = await send<{ result: { value: string } }>('Runtime.evaluate', { expression: 'location.href', returnByValue: true }, sessionId);
      if (result.value.startsWith(url)) break;
      if (Date.now() > until) throw new Error(`Chromium did not open ${url}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return {
      async evaluate<T>(expression: string, timeoutMs = 600_000): Promise<T> {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the page's script did not finish in ${timeoutMs} ms`)), timeoutMs);
        });
        try {
          const answer = await Promise.race([
            send<{ result: { value: T }; exceptionDetails?: { exception?: { description?: string }; text: string } }>(
              'Runtime.evaluate',
              { expression, awaitPromise: true, returnByValue: true },
              sessionId,
            ),
            timeout,
          ]);
          if (answer.exceptionDetails) throw new Error(answer.exceptionDetails.exception?.description ?? answer.exceptionDetails.text);
          return answer.result.value;
        } finally {
          clearTimeout(timer);
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
