/**
 * The API the web bench's browser talks to, in a process of its own, as on a showroom's server: the
 * bench's process drives Chromium (Playwright parses every DevTools event, a data: URL preview's bytes
 * among them), and that work must not sit on the event loop that answers the taps.
 *
 * Forked by `web.bench.ts` with an IPC channel: it starts the server (as `npm start` does before it
 * opens its port: render threads, shipped templates, one small render per thread; then the
 * catalogue's swatch cards), says `ready`, creates signed-up associates on request, and closes
 * everything when told to or when the bench goes away.
 */
import { swatchCards } from '../src/catalog/swatch-cards.ts';
import { startTestApp } from '../test/helpers/harness.ts';
import { createStaff } from '../test/helpers/session.ts';

type Request = { type: 'staff'; id: number } | { type: 'close' };

const databaseUrl = process.env.BENCH_DATABASE_URL;
if (!databaseUrl || !process.send) throw new Error('web-server.ts is forked by bench/web.bench.ts (BENCH_DATABASE_URL and an IPC channel)');
const send = (message: object) => process.send!(message);

// Shipped defaults where the test harness changes them: the catalogue's cloth made ahead after the
// first preview, and the in-process worker's heartbeat every 5 s rather than every 200 ms (the
// harness's, for tests that wait on a worker declared dead: 25 times the background writes).
const t = await startTestApp({
  databaseUrl,
  env: { CLOTH_AHEAD_COLOURS: process.env.CLOTH_AHEAD_COLOURS ?? '600', WORKER_HEARTBEAT_MS: '5000', WORKER_DEAD_AFTER_MS: '30000' },
});
let closing: Promise<void> | undefined;
const close = () => {
  closing ??= t.close().finally(() => process.exit(0));
  return closing;
};
process.on('disconnect', () => void close());
process.on('message', (m: Request) => {
  if (m.type === 'close') void close();
  else if (m.type === 'staff')
    createStaff(t, { store: null }).then(
      (s) => send({ type: 'staff', id: m.id, email: s.email, password: s.password }),
      (err) => send({ type: 'staff', id: m.id, error: String(err) }),
    );
});
await t.rt.rendering.warm();
await swatchCards(t.rt).ensureAll();
send({ type: 'ready', url: t.url });
