#!/usr/bin/env node
/**
 * `npm run dev`: the API (with its worker and embedded PostgreSQL) restarted by `tsx watch` whenever
 * a server file changes, and the web app on Vite's dev server with hot reload, proxying /api and
 * /files to the API. Open the address Vite prints (http://localhost:5173). Ctrl-C stops both.
 *
 * PORT (default 8080) is the API's port; WEB_PORT (default 5173) the dev server's.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const bin = (name) => path.join(root, 'node_modules/.bin', name);
const env = { ...process.env, PORT: process.env.PORT ?? '8080' };

const children = [
  // --clear-screen=false keeps Vite's lines visible when the server restarts.
  ['api', spawn(bin('tsx'), ['watch', '--clear-screen=false', '--include', 'catalog/**', 'src/main.ts', 'serve'], { cwd: root, env, stdio: 'inherit' })],
  ['web', spawn(bin('vite'), ['--config', 'web/vite.config.ts', '--port', process.env.WEB_PORT ?? '5173'], { cwd: root, env, stdio: 'inherit' })],
];

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const [, child] of children) if (child.exitCode === null) child.kill('SIGTERM');
  // The API waits for running renders and stops its database; exit once both children are gone.
  Promise.all(children.map(([, child]) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null))).then(() => process.exit(code));
}

for (const [name, child] of children) {
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`dev: ${name} exited (${signal ?? code}); stopping the other one`);
    stop(code ?? 1);
  });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(0));
