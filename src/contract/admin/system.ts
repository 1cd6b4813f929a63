import { z } from 'zod';
import { timestamp } from '../common.ts';

/** Detailed health for administrators. */

const check = z.object({ ok: z.boolean(), ms: z.number(), error: z.string().optional() });

export const systemAnswer = z.object({
  process: z.object({ pid: z.number(), node: z.string(), uptimeSeconds: z.number(), rssBytes: z.number() }),
  build: z.object({ commit: z.string().optional(), time: z.string().optional() }),
  database: check.extend({ embedded: z.boolean(), migrations: z.array(z.object({ version: z.string(), appliedAt: timestamp })) }),
  storage: check.extend({ driver: z.string() }),
  engines: z.array(z.object({ name: z.string(), version: z.string(), views: z.number() })),
  gpu: z
    .object({
      servers: z.array(
        z.object({
          url: z.string(),
          reachable: z.boolean(),
          checkedAt: timestamp,
          device: z.string().nullable(),
          vramFreeBytes: z.number().nullable(),
          comfyuiVersion: z.string().nullable(),
          error: z.string().nullable(),
        }),
      ),
      workflows: z.array(z.object({ name: z.string(), file: z.string(), nodeClasses: z.array(z.string()) })),
    })
    .nullable()
    .describe("the photoreal engine's ComfyUI servers (asked afresh) and workflows; null when COMFYUI_URLS is unset"),
  config: z.record(z.string(), z.unknown()).describe('every setting; secrets only as [set] / [unset]'),
});
export type SystemAnswer = z.infer<typeof systemAnswer>;

/** GET /api/admin/config: the effective configuration, secrets masked. */
export const configAnswer = z.object({ config: z.record(z.string(), z.unknown()) });

const corsHeaders = z.record(z.string(), z.string());
const probe = z.object({ status: z.number(), headers: corsHeaders });

/** GET /api/admin/cors-debug?origin=…: what the API and the console answer that Origin. */
export const corsDebugAnswer = z.object({
  origin: z.string(),
  configured: z.object({ corsOrigins: z.array(z.string()), publicBaseUrl: z.string().nullable() }),
  api: z.object({ allowed: z.boolean(), reason: z.string(), preflight: probe, simpleRequest: probe }),
  console: z.object({ stateChangingAllowed: z.boolean(), reason: z.string() }),
});
