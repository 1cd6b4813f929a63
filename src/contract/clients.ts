import { z } from 'zod';
import { timestamp } from './common.ts';

/** The house's client records: a name and notes, shared by every tablet (signed-in staff only). */

const name = z.string().trim().min(1, { message: 'must not be empty' }).max(120, { message: 'at most 120 characters' });
const notes = z.string().trim().max(4000, { message: 'at most 4000 characters' });

export const clientCreate = z.strictObject({ name, notes: notes.optional() });
export const clientChange = z.strictObject({ name: name.optional(), notes: notes.optional() });
export const clientListQuery = z.object({
  q: z.string().trim().max(120).optional().describe('part of the name, any case'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const clientParams = z.object({ id: z.uuid({ message: 'expected a client id' }) });

export const client = z.object({
  id: z.uuid(),
  name: z.string(),
  notes: z.string(),
  looks: z.number().int().describe('how many looks were saved for this client'),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Client = z.infer<typeof client>;
export const clientList = z.object({ items: z.array(client) });
