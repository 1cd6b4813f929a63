/**
 * The replaced system's reference files (its catalogue, photo templates, swatch lists) live beside the
 * project in `../shared/reference`, never in the repository. A bare clone has no such folder: tests
 * that read it are skipped there, with the reason printed, and run wherever the folder exists (CI).
 *
 * Deliberately free of project imports, so that unit tests under src/ can use it cheaply.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it, type TestContext } from 'vitest';

export const REFERENCE_DIR = path.resolve(import.meta.dirname, '../../../shared/reference');

/** Absolute path of a file in ../shared/reference (whether or not it exists). */
export const referencePath = (...segments: string[]) => path.join(REFERENCE_DIR, ...segments);

const announced = new Set<string>();

/**
 * Why the tests needing `files` cannot run here, or undefined when every file is present.
 * The reason is printed once per test file and set of files, so a skipped run says why.
 */
export function missingReference(...files: string[]): string | undefined {
  const missing = files.filter((file) => !existsSync(referencePath(file)));
  if (missing.length === 0) return undefined;
  const reason = `needs ${missing.map((f) => `../shared/reference/${f}`).join(', ')}, not found beside this checkout (${REFERENCE_DIR})`;
  if (!announced.has(reason)) {
    announced.add(reason);
    console.warn(`skipped: ${reason}`);
  }
  return reason;
}

type Body = (ctx: TestContext) => unknown;

/** `it`, skipped with the reason printed when any of `files` is missing from ../shared/reference. */
export function itWithReference(files: string[], name: string, fn: Body, timeout?: number) {
  const reason = missingReference(...files);
  if (!reason) return it(name, fn, timeout);
  // Registered and skipped at run time, so the reporter shows the test with its reason.
  return it(name, (ctx) => ctx.skip(reason));
}

/** `describe`, skipped with the reason printed when any of `files` is missing from ../shared/reference. */
export function describeWithReference(files: string[], name: string, fn: () => void) {
  const reason = missingReference(...files);
  return describe.skipIf(!!reason)(reason ? `${name} (skipped: ${reason})` : name, fn);
}
