import { z } from 'zod';
import { timestamp } from '../common.ts';
import { RENDER_STATUSES } from '../enums.ts';
import { render } from '../renders.ts';

/** The renders monitor: list with filters, queue figures and live workers, retry, cancel, purge. */

const status = z.enum(RENDER_STATUSES, { message: `expected ${RENDER_STATUSES.join(', ')}` });

export const renderListQuery = z.object({
  status: z
    .string()
    .transform((v) => v.split(',').filter(Boolean))
    .pipe(z.array(status))
    .optional()
    .describe('comma-separated statuses'),
  engine: z.string().max(40).optional(),
  cut: z.string().max(80).optional(),
  family: z.string().max(80).optional(),
  from: z.coerce.date({ message: 'expected a date such as 2025-01-31' }).optional(),
  to: z.coerce.date({ message: 'expected a date such as 2025-01-31' }).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
/** The query as the console writes it into a URL. */
export type RenderListQuery = { [K in keyof z.input<typeof renderListQuery>]?: string | number };

export const renderParams = z.object({ id: z.uuid({ message: 'expected a render id (UUID)' }) });

export const purgeBody = z.strictObject({
  olderThanDays: z.number().min(0.01).max(3650),
  statuses: z
    .array(z.enum(['succeeded', 'failed', 'canceled'], { message: 'only finished renders (succeeded, failed, canceled) can be purged' }))
    .min(1)
    .default(['failed', 'canceled']),
  dryRun: z.boolean().default(false),
});
export type PurgeRequest = z.input<typeof purgeBody>;

export const adminRender = render.extend({ workerId: z.string().nullable() });
export type AdminRender = z.infer<typeof adminRender>;
export const adminRenderPage = z.object({ items: z.array(adminRender), nextCursor: z.string().nullable() });

const statusCounts = z.object(Object.fromEntries(RENDER_STATUSES.map((s) => [s, z.number()])) as Record<(typeof RENDER_STATUSES)[number], z.ZodNumber>);

export const renderFigures = z.object({
  queued: z.number(),
  running: z.number(),
  failedLast24h: z.number(),
  byStatus: statusCounts,
  medianDurationMsByEngine: z.record(z.string(), z.number()),
  succeededLast24hByEngine: z.record(z.string(), z.number()),
  jobs: z.object({ waiting: z.number(), locked: z.number(), oldestWaitingSince: timestamp.nullable() }),
  workers: z.array(
    z.object({ id: z.string(), hostname: z.string(), pid: z.number(), engines: z.array(z.string()), startedAt: timestamp, lastHeartbeatAt: timestamp }),
  ),
});
export type RenderFigures = z.infer<typeof renderFigures>;

export const retryAnswer = z.object({ status: z.literal('queued') });
export const cancelAnswer = z.object({ status: z.literal('canceled') });

export const purgeAnswer = z.object({
  dryRun: z.boolean(),
  renders: z.number(),
  keptInLooks: z.number(),
  files: z.number().nullable().describe('files deleted (null for a dry run)'),
});
export type PurgeAnswer = z.infer<typeof purgeAnswer>;
