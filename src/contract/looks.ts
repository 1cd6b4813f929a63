import { z } from 'zod';
import { timestamp } from './common.ts';
import { render } from './renders.ts';

/** Looks: finished renders saved for a client, read back by an unguessable share token. */

/** The most renders one look holds. */
export const MAX_RENDERS_PER_LOOK = 24;

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, { message: 'must not be empty' })
    .max(max, { message: `at most ${max} characters` });

export const lookCreate = z.strictObject({
  title: text(120),
  /** The client record the look is for; or `clientName` to make a new record with that name. */
  clientId: z.uuid({ message: 'expected a client id' }).optional(),
  clientName: z.union([text(120), z.literal('').transform(() => undefined), z.null().transform(() => undefined)]).optional(),
  renderIds: z
    .array(z.uuid({ message: 'expected a render id (UUID)' }))
    .min(1, { message: 'choose at least one render' })
    .max(MAX_RENDERS_PER_LOOK, { message: `at most ${MAX_RENDERS_PER_LOOK} renders fit in a look` }),
  expiresInDays: z.number().int().min(1).max(365).optional(),
});
export type LookCreate = z.input<typeof lookCreate>;

export const savedLook = z.object({
  token: z.string(),
  url: z.string().describe("the web app's page of the look"),
  title: z.string(),
  clientId: z.uuid().nullable(),
  clientName: z.string().nullable(),
  renderIds: z.array(z.uuid()),
  createdAt: timestamp,
  expiresAt: timestamp,
});
export type SavedLook = z.infer<typeof savedLook>;

/** The house's looks, newest first, as every tablet lists them (signed in). */
export const lookListQuery = z.object({
  clientId: z.uuid({ message: 'expected a client id' }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const lookList = z.object({ items: z.array(savedLook) });

export const lookRender = render.extend({
  labels: z.object({ family: z.string(), color: z.string().nullable(), cut: z.string() }).describe('names to show, in the catalogue’s words'),
});
export type LookRender = z.infer<typeof lookRender>;

export const look = z.object({
  token: z.string(),
  title: z.string(),
  clientName: z.string().nullable(),
  createdAt: timestamp,
  expiresAt: timestamp,
  renders: z.array(lookRender),
});
export type Look = z.infer<typeof look>;

export const lookParams = z.object({ token: z.string() });
