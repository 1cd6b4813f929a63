import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import * as spanish from '@zxcvbn-ts/language-es-es';
import { PASSWORD_MAX_LENGTH } from '../contract/admin/auth.ts';

/**
 * Password hashing: argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane). The PHC
 * string carries its own parameters, so raising them later only affects new hashes.
 */

// `Algorithm` is a const enum in the package's types, absent at runtime: 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Longer input only costs us hashing time; no person types this much (the API contract states it). */
export { PASSWORD_MAX_LENGTH };

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** False for a wrong password and for a hash that cannot be read; never throws for bad input. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/** A hash of no one's password, made with today's parameters: what an unknown email is checked against. */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(`not-a-password-of-anyone-${Math.random()}`);
  return dummyHash;
}

/**
 * Spends the time a real verification would when the email is unknown, so the answer's timing does
 * not tell which accounts exist.
 */
export async function verifyAgainstNobody(password: string): Promise<false> {
  await verifyPassword(await dummyPasswordHash(), password);
  return false;
}

/** Why a new password is refused, in words for the person choosing it; undefined when it is fine. */
export function passwordProblem(password: string, options: { minLength: number; email?: string; minStrength?: number }): string | undefined {
  if (password.length < options.minLength) return `The password needs at least ${options.minLength} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `The password can have at most ${PASSWORD_MAX_LENGTH} characters`;
  if (options.email && password.trim().toLowerCase() === options.email.toLowerCase()) return 'The password cannot be the email address';
  if (/^(.)\1*$/.test(password)) return 'The password cannot be one character repeated';
  const minStrength = options.minStrength ?? DEFAULT_MIN_STRENGTH;
  if (minStrength > 0) {
    const { score, feedback } = estimateStrength(password, options.email);
    if (score < minStrength) {
      const why = feedback.warning ? feedback.warning.replace(/\.$/, '') : 'it would be guessed quickly';
      const hint = feedback.suggestions[0] ?? 'Use a few unrelated words, or a longer phrase';
      return `The password is too easy to guess (${why.charAt(0).toLowerCase()}${why.slice(1)}). ${hint.replace(/\.?$/, '.')}`;
    }
  }
  return undefined;
}

/** zxcvbn's score (0–4) a new password must reach by default: 3, "safely unguessable" for online attacks. */
export const DEFAULT_MIN_STRENGTH = 3;

let estimator: ZxcvbnFactory | undefined;

/**
 * zxcvbn's estimate, with the common-password list and English and Spanish words (the houses work in
 * both) and the person's own email as known guesses. Only the first 100 characters are weighed:
 * matching grows with length, and no guesser gets that far.
 */
export function estimateStrength(password: string, email?: string) {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary, ...spanish.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });
  const local = email?.split('@')[0] ?? '';
  const userInputs = email ? [email, local, local.replace(/[._+-]/g, ''), ...email.split(/[@._+-]/).filter((p) => p.length >= 3), 'atelier'] : ['atelier'];
  return estimator.check(password.slice(0, 100), userInputs);
}
