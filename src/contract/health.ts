import { z } from 'zod';

/** Operations: liveness, readiness, version. */

export const liveness = z.object({ status: z.literal('ok') });

export const readiness = z.object({
  status: z.enum(['ready', 'unavailable']),
  failed: z.array(z.string()),
  checks: z.record(z.string(), z.string()),
  gpu: z.boolean().describe('a photoreal (GPU, ComfyUI) engine is configured and at least one of its servers answers; it does not decide readiness'),
});

export const version = z.object({
  name: z.string(),
  version: z.string(),
  commit: z.string().nullable(),
  buildTime: z.string().nullable(),
  node: z.string(),
});
