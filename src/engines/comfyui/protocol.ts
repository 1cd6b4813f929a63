/**
 * ComfyUI's HTTP and WebSocket messages, as its server sends them (server.py, execution.py, main.py of
 * comfyanonymous/ComfyUI). Parsed leniently (passthrough): servers add fields from version to version.
 */
import { z } from 'zod';

export const uploadAnswer = z.object({ name: z.string(), subfolder: z.string().default(''), type: z.string().default('input') });
export type UploadedImage = z.infer<typeof uploadAnswer>;

export const promptAnswer = z.object({ prompt_id: z.string(), number: z.number(), node_errors: z.record(z.string(), z.unknown()).default({}) });

/** 400 from POST /prompt: why the workflow was refused, overall and per node. */
export const promptRefusal = z.object({
  error: z.union([z.string(), z.object({ type: z.string().optional(), message: z.string().optional(), details: z.string().optional() }).passthrough()]),
  node_errors: z
    .record(
      z.string(),
      z
        .object({
          class_type: z.string().optional(),
          errors: z.array(z.object({ message: z.string().optional(), details: z.string().optional() }).passthrough()).default([]),
        })
        .passthrough(),
    )
    .default({}),
});

export const imageRef = z.object({ filename: z.string(), subfolder: z.string().default(''), type: z.string().default('output') });
export type ImageRef = z.infer<typeof imageRef>;

export const historyEntry = z.object({
  outputs: z.record(z.string(), z.object({ images: z.array(imageRef).optional() }).passthrough()).default({}),
  status: z
    .object({ status_str: z.string(), completed: z.boolean(), messages: z.array(z.tuple([z.string(), z.record(z.string(), z.unknown())])).default([]) })
    .optional(),
});
export type HistoryEntry = z.infer<typeof historyEntry>;
export const historyAnswer = z.record(z.string(), historyEntry);

/** GET /queue: rows are [number, prompt_id, prompt, extra_data, outputs_to_execute]. */
export const queueAnswer = z.object({
  queue_running: z.array(z.array(z.unknown())).default([]),
  queue_pending: z.array(z.array(z.unknown())).default([]),
});

export const systemStats = z.object({
  system: z
    .object({
      os: z.string().optional(),
      comfyui_version: z.string().optional(),
      python_version: z.string().optional(),
      pytorch_version: z.string().optional(),
    })
    .passthrough(),
  devices: z
    .array(z.object({ name: z.string(), type: z.string(), vram_total: z.number().optional(), vram_free: z.number().optional() }).passthrough())
    .default([]),
});
export type SystemStats = z.infer<typeof systemStats>;

/** The WebSocket's JSON messages this client acts on (others are ignored). */
export const wsMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('status'),
    data: z
      .object({
        status: z
          .object({ exec_info: z.object({ queue_remaining: z.number() }) })
          .passthrough()
          .optional(),
        sid: z.string().optional(),
      })
      .passthrough(),
  }),
  z.object({ type: z.literal('execution_start'), data: z.object({ prompt_id: z.string() }).passthrough() }),
  z.object({ type: z.literal('execution_cached'), data: z.object({ prompt_id: z.string(), nodes: z.array(z.string()).default([]) }).passthrough() }),
  z.object({ type: z.literal('executing'), data: z.object({ prompt_id: z.string().optional(), node: z.string().nullable() }).passthrough() }),
  z.object({
    type: z.literal('progress'),
    data: z.object({ prompt_id: z.string().optional(), value: z.number(), max: z.number(), node: z.string().nullable().optional() }).passthrough(),
  }),
  z.object({
    type: z.literal('executed'),
    data: z.object({ prompt_id: z.string(), node: z.string(), output: z.record(z.string(), z.unknown()).nullable().optional() }).passthrough(),
  }),
  z.object({ type: z.literal('execution_success'), data: z.object({ prompt_id: z.string() }).passthrough() }),
  z.object({
    type: z.literal('execution_error'),
    data: z
      .object({
        prompt_id: z.string(),
        node_id: z.string().optional(),
        node_type: z.string().optional(),
        exception_message: z.string().default(''),
        exception_type: z.string().optional(),
      })
      .passthrough(),
  }),
  z.object({
    type: z.literal('execution_interrupted'),
    data: z.object({ prompt_id: z.string(), node_id: z.string().optional(), node_type: z.string().optional() }).passthrough(),
  }),
]);
export type WsMessage = z.infer<typeof wsMessage>;

/** Binary frames: uint32 BE event type (1 = preview image), uint32 BE image type (1 JPEG, 2 PNG), bytes. */
export function parseBinaryFrame(data: Buffer): { event: number; imageType: number; image: Buffer } | null {
  if (data.length < 8) return null;
  return { event: data.readUInt32BE(0), imageType: data.readUInt32BE(4), image: data.subarray(8) };
}
