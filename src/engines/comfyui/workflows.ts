/**
 * The GPU engine's workflows are files in the repo (workflows/comfyui/*.json), in ComfyUI's API format
 * (what "Save (API format)" exports), with placeholders such as "{{init_image}}" or "{{denoise}}". They
 * are read and checked once at start: every link points at a node of the file, every placeholder is
 * one we fill, the ones a workflow needs are there, and it saves exactly one image.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { ComfyuiConfig } from '../../config.ts';

export const WORKFLOW_NAMES = ['refine', 'generate'] as const;
export type WorkflowName = (typeof WORKFLOW_NAMES)[number];

export const DEFAULT_WORKFLOWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../workflows/comfyui');

/** Every placeholder and the type its value has. */
const PLACEHOLDERS = {
  init_image: 'string',
  mask_image: 'string',
  swatch_image: 'string',
  control_image: 'string',
  checkpoint: 'string',
  ipadapter_preset: 'string',
  ipadapter_weight: 'number',
  controlnet: 'string',
  controlnet_strength: 'number',
  positive_prompt: 'string',
  negative_prompt: 'string',
  steps: 'number',
  cfg: 'number',
  denoise: 'number',
  sampler: 'string',
  scheduler: 'string',
  seed: 'number',
  width: 'number',
  height: 'number',
} as const;
export type PlaceholderName = keyof typeof PLACEHOLDERS;
export type WorkflowValues = { [K in PlaceholderName]?: (typeof PLACEHOLDERS)[K] extends 'number' ? number : string };

/** What each workflow cannot do without. */
const REQUIRED: Record<WorkflowName, PlaceholderName[]> = {
  refine: ['init_image', 'mask_image', 'swatch_image', 'denoise', 'steps', 'cfg', 'seed'],
  generate: ['swatch_image', 'width', 'height', 'steps', 'cfg', 'seed'],
};

const link = z.tuple([z.string(), z.number().int().min(0)]);
const apiNode = z.object({
  class_type: z.string().min(1),
  inputs: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), link, z.array(z.unknown())])),
  _meta: z.object({ title: z.string().optional() }).optional(),
});
const apiWorkflow = z.record(z.string().regex(/^[\w:.-]+$/, { message: 'node ids are short names such as "14"' }), apiNode);
export type ApiWorkflow = z.infer<typeof apiWorkflow>;

export interface Workflow {
  name: WorkflowName;
  file: string;
  graph: ApiWorkflow;
  placeholders: Set<PlaceholderName>;
  /** Node classes it uses: a server must have them all (custom nodes included). */
  nodeClasses: Set<string>;
}

export class WorkflowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkflowError';
  }
}

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;

export function parseWorkflow(name: WorkflowName, text: string, file = `${name}.json`): Workflow {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new WorkflowError(`ComfyUI workflow ${file}: not JSON (${(error as Error).message})`);
  }
  const parsed = apiWorkflow.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new WorkflowError(
      `ComfyUI workflow ${file}: not in ComfyUI's API format at ${issue.path.join('.') || '(top)'}: ${issue.message} (export it with "Save (API format)")`,
    );
  }
  const graph = parsed.data;
  const placeholders = new Set<PlaceholderName>();
  let saves = 0;
  for (const [id, node] of Object.entries(graph)) {
    if (node.class_type === 'SaveImage') saves++;
    for (const [input, value] of Object.entries(node.inputs)) {
      if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'number' && !(value[0] in graph)) {
        throw new WorkflowError(
          `ComfyUI workflow ${file}: node ${id} (${node.class_type}) input ${input} links to node ${value[0]}, which the file does not have`,
        );
      }
      if (typeof value !== 'string') continue;
      for (const m of value.matchAll(PLACEHOLDER)) {
        const p = m[1] as PlaceholderName;
        if (!(p in PLACEHOLDERS)) {
          throw new WorkflowError(
            `ComfyUI workflow ${file}: node ${id} input ${input} has an unknown placeholder {{${m[1]}}} (known: ${Object.keys(PLACEHOLDERS).join(', ')})`,
          );
        }
        if (PLACEHOLDERS[p] === 'number' && value.trim() !== m[0]) {
          throw new WorkflowError(`ComfyUI workflow ${file}: node ${id} input ${input}: the number {{${p}}} must be the whole value`);
        }
        placeholders.add(p);
      }
    }
  }
  if (saves !== 1) throw new WorkflowError(`ComfyUI workflow ${file}: expected exactly one SaveImage node, found ${saves}`);
  const missing = REQUIRED[name].filter((p) => !placeholders.has(p));
  if (missing.length) throw new WorkflowError(`ComfyUI workflow ${file}: the ${name} workflow needs ${missing.map((p) => `{{${p}}}`).join(', ')}`);
  return { name, file, graph, placeholders, nodeClasses: new Set(Object.values(graph).map((n) => n.class_type)) };
}

export function loadWorkflows(dir = DEFAULT_WORKFLOWS_DIR): Record<WorkflowName, Workflow> {
  const out = {} as Record<WorkflowName, Workflow>;
  for (const name of WORKFLOW_NAMES) {
    const file = path.join(dir, `${name}.json`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new WorkflowError(`ComfyUI workflow ${file} is missing (COMFYUI_WORKFLOWS_DIR=${dir})`);
    }
    out[name] = parseWorkflow(name, text, file);
  }
  return out;
}

/** The graph to send: placeholders filled (a whole-value placeholder takes its value's type). */
export function fillWorkflow(workflow: Workflow, values: WorkflowValues): ApiWorkflow {
  const missing = [...workflow.placeholders].filter((p) => values[p] === undefined);
  if (missing.length) throw new WorkflowError(`ComfyUI workflow ${workflow.file}: no value for ${missing.map((p) => `{{${p}}}`).join(', ')}`);
  const filled: ApiWorkflow = {};
  for (const [id, node] of Object.entries(workflow.graph)) {
    const inputs: ApiWorkflow[string]['inputs'] = {};
    for (const [input, value] of Object.entries(node.inputs)) {
      if (typeof value !== 'string' || !value.includes('{{')) {
        inputs[input] = value;
        continue;
      }
      const whole = /^\{\{\s*([a-z_]+)\s*\}\}$/.exec(value.trim());
      inputs[input] = whole ? values[whole[1] as PlaceholderName]! : value.replace(PLACEHOLDER, (_, p: PlaceholderName) => String(values[p]));
    }
    filled[id] = { class_type: node.class_type, inputs, ...(node._meta ? { _meta: node._meta } : {}) };
  }
  return filled;
}

/** Per-request settings (validated by the request schema); the rest come from the environment. */
export interface WorkflowSettings {
  workflow: WorkflowName;
  steps: number;
  cfg: number;
  denoise: number;
  seed: number;
}

export function defaultSettings(config: ComfyuiConfig): WorkflowSettings {
  const d = config.defaults;
  return { workflow: 'refine', steps: d.steps, cfg: d.cfg, denoise: d.denoise, seed: d.seed };
}
