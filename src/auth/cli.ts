import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { SYSTEM_ACTOR } from '../admin/audit/repository.ts';
import type { Config } from '../config.ts';
import { AppError } from '../http/errors.ts';
import { createLogger } from '../logger.ts';
import { startRuntime } from '../runtime.ts';
import { findUserByEmail } from './repository.ts';
import { ROLES, type Role } from './roles.ts';
import { changeUser, createUser, normaliseEmail } from './service.ts';

/**
 * `atelier user create --email E --role R` and `atelier user set-password --email E`.
 * The password is read from stdin when it is piped (`echo "$PW" | atelier user create …`), otherwise
 * asked for twice on the terminal without echo. It never appears in arguments, logs or history.
 */

export const USER_USAGE = `  user create --email E --role admin|merchandiser|associate
                     make an account (the first admin, for example); the password is read from
                     stdin when piped, otherwise asked for without echo
  user set-password --email E
                     give an account a new password (also unlocks it and ends its sessions)`;

export class UserCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserCommandError';
  }
}

export async function userCommand(args: string[], config: Config): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'create' && sub !== 'set-password') throw new UserCommandError(`Usage:\n${USER_USAGE}`);
  const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, role: { type: 'string' } } });
  const email = z.email().safeParse(values.email ?? '');
  if (!email.success) throw new UserCommandError(`user ${sub}: --email needs an email address`);
  let role: Role | undefined;
  if (sub === 'create') {
    role = ROLES.find((r) => r === values.role);
    if (!role) throw new UserCommandError(`user create: --role must be one of ${ROLES.join(', ')}`);
  }
  const password = await readPassword();
  if (!password) throw new UserCommandError(`user ${sub}: no password given`);

  // Quiet: the runtime's start-up lines would bury the one line this command prints.
  const rt = await startRuntime(
    { ...config, logLevel: 'warn', database: { ...config.database, url: await runningDatabaseUrl(config) } },
    createLogger({ logLevel: 'warn' }),
  );
  try {
    const deps = { db: rt.db, config: rt.config };
    const actor = { ...SYSTEM_ACTOR, email: 'cli' };
    if (sub === 'create') {
      const user = await createUser(deps, actor, { email: email.data, role: role!, password });
      console.log(`Created ${user.role} account ${user.email}`);
    } else {
      const user = await findUserByEmail(rt.db, normaliseEmail(email.data));
      if (!user) throw new UserCommandError(`There is no account for ${normaliseEmail(email.data)}`);
      await changeUser(deps, actor, user.id, { password });
      console.log(`New password set for ${user.email}`);
    }
  } catch (error) {
    if (error instanceof AppError) throw new UserCommandError(error.message.replace(/^password: /, ''));
    throw error;
  } finally {
    await rt.close();
  }
}

/**
 * The first admin is often made while `atelier serve` runs on the embedded database: starting
 * another embedded server would stop that one (it looks orphaned). Connect to it instead, with the
 * password file and port it was started with (see db/embedded.ts).
 */
async function runningDatabaseUrl(config: Config): Promise<string | undefined> {
  if (config.database.url) return config.database.url;
  const dir = config.database.embeddedDir;
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pidLine, , , portLine] = (await readFile(pidFile, 'utf8')).split('\n');
  try {
    process.kill(Number(pidLine), 0);
  } catch {
    return undefined;
  }
  const password = (await readFile(path.join(path.dirname(dir), `${path.basename(dir)}.password`), 'utf8')).trim();
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${Number(portLine) || config.database.embeddedPort}/atelier`;
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    // One trailing line break is the shell's, not the password's.
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  }
  const first = await promptHidden('Password: ');
  const second = await promptHidden('Repeat the password: ');
  if (first !== second) throw new UserCommandError('The two passwords differ');
  return first;
}

/** Reads a line from the terminal in raw mode, echoing nothing. Ctrl-C aborts. */
function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new UserCommandError('Canceled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
