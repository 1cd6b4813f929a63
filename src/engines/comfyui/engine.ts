/**
 * The `comfyui` engine: the compose render made photoreal on a ComfyUI server, colour and pattern kept.
 *
 *   compose (render threads) → upload init, garment mask, cloth tile → queue the workflow → follow its
 *   progress → fetch the output → fidelity guard, sizes, watermark (render threads)
 *
 * It waits on the network from the event loop (runsOn 'remote'); the pixel work on either side runs
 * on the render service's threads. A server that is unreachable, restarts or stalls makes the render
 * move to the next server (COMFYUI_SERVER_TRIES); a workflow the server rejects or fails is final.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { ComfyuiConfig } from '../../config.ts';
import type { EncodedImage } from '../types.ts';
import { ComfyError } from './client.ts';
import type { FidelityReport, GuardOptions } from './fidelity.ts';
import { ComfyPool } from './pool.ts';
import { defaultSettings, fillWorkflow, loadWorkflows, type Workflow, type WorkflowName, type WorkflowSettings } from './workflows.ts';

/** Bump when what the engine sends or how it finishes changes pixels for the same request. */
export const COMFYUI_ENGINE_VERSION = 'comfyui-1';

export interface RefineInputs {
  init: Uint8Array;
  mask: Uint8Array;
  swatch: Uint8Array;
  width: number;
  height: number;
  timings: Record<string, number>;
}

/** What the render service does for the engine on its threads. */
export interface ComfyEngineHelpers {
  inputs(): Promise<RefineInputs>;
  finish(refined: Uint8Array, guard: GuardOptions): Promise<{ images: EncodedImage[]; timings: Record<string, number>; fidelity: FidelityReport }>;
}

export interface ComfyRenderOptions {
  settings?: Partial<WorkflowSettings>;
  onProgress?: (progress: number) => void;
  signal?: AbortSignal;
}

/** What the render row keeps about a GPU render (renders.details), shown in the API. */
export interface ComfyRenderDetails {
  engine: 'comfyui';
  workflow: WorkflowName;
  server: string;
  promptId: string;
  settings: WorkflowSettings;
  /** Servers tried before the one that made it, with why they were left. */
  retries: Array<{ server: string; error: string }>;
  timings: Record<string, number>;
  fidelity: FidelityReport;
}

export interface ComfyEngine {
  readonly pool: ComfyPool;
  readonly workflows: Record<WorkflowName, Workflow>;
  /** The settings a request ends up with (defaults, then its own). */
  settings(overrides?: Partial<WorkflowSettings>): WorkflowSettings;
  /** Model names and the workflow's own hash: what, beside the settings, decides the pixels. */
  fingerprint(workflow: WorkflowName): string;
  render(
    helpers: ComfyEngineHelpers,
    options: ComfyRenderOptions,
  ): Promise<{ images: EncodedImage[]; timings: Record<string, number>; details: ComfyRenderDetails }>;
}

function abortError(): Error {
  const e = new Error('Render aborted');
  e.name = 'AbortError';
  return e;
}

export function createComfyEngine(config: ComfyuiConfig, logger?: Logger): ComfyEngine {
  const workflows = loadWorkflows(config.workflowsDir);
  const pool = new ComfyPool(config);
  const d = config.defaults;

  const settings = (overrides: Partial<WorkflowSettings> = {}): WorkflowSettings => {
    const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
    return { ...defaultSettings(config), ...defined };
  };

  const fingerprint = (name: WorkflowName) =>
    createHash('sha256')
      .update(
        JSON.stringify([
          workflows[name].graph,
          d.checkpoint,
          d.ipadapterPreset,
          d.ipadapterWeight,
          d.controlnet,
          d.controlnetStrength,
          d.sampler,
          d.scheduler,
          d.prompt,
          d.negativePrompt,
        ]),
      )
      .digest('hex')
      .slice(0, 16);

  async function render(helpers: ComfyEngineHelpers, options: ComfyRenderOptions) {
    const { signal } = options;
    // Never backwards, also when a retry on another server starts its sampler again.
    let shown = 0;
    const progress = (p: number) => {
      if (p <= shown) return;
      shown = Math.min(1, p);
      options.onProgress?.(shown);
    };
    const chosen = settings(options.settings);
    const workflow = workflows[chosen.workflow];
    const t0 = performance.now();
    const timings: Record<string, number> = {};
    const lap = (name: string, since: number) => {
      timings[name] = Math.round(performance.now() - since);
      return performance.now();
    };

    const inputs = await helpers.inputs();
    let t = lap('compose', t0);
    progress(0.05);
    if (signal?.aborted) throw abortError();

    const retries: ComfyRenderDetails['retries'] = [];
    const tried = new Set<string>();
    for (let attempt = 1; ; attempt++) {
      const client = await pool.pick(tried.size >= pool.clients.length ? new Set() : tried);
      tried.add(client.url);
      try {
        const tag = createHash('sha256').update(inputs.init).update(inputs.mask).update(inputs.swatch).digest('hex').slice(0, 16);
        const [init, mask, swatch] = await Promise.all([
          client.upload(inputs.init, `atelier-${tag}-init.png`, signal),
          client.upload(inputs.mask, `atelier-${tag}-mask.png`, signal),
          client.upload(inputs.swatch, `atelier-${tag}-swatch.png`, signal),
        ]);
        t = lap('upload', t);
        progress(0.1);
        const ref = (u: { name: string; subfolder: string }) => (u.subfolder ? `${u.subfolder}/${u.name}` : u.name);
        const graph = fillWorkflow(workflow, {
          init_image: ref(init),
          mask_image: ref(mask),
          swatch_image: ref(swatch),
          control_image: ref(init),
          checkpoint: d.checkpoint,
          ipadapter_preset: d.ipadapterPreset,
          ipadapter_weight: d.ipadapterWeight,
          controlnet: d.controlnet,
          controlnet_strength: d.controlnetStrength,
          positive_prompt: d.prompt,
          negative_prompt: d.negativePrompt,
          steps: chosen.steps,
          cfg: chosen.cfg,
          denoise: chosen.denoise,
          sampler: d.sampler,
          scheduler: d.scheduler,
          seed: chosen.seed,
          // SDXL works in multiples of 8.
          width: Math.round(inputs.width / 8) * 8,
          height: Math.round(inputs.height / 8) * 8,
        });
        const run = await client.run(graph, { signal, onProgress: (p) => progress(0.1 + 0.8 * p.fraction) });
        const refined = await client.view(run.images[0]!, signal);
        t = lap('download', t);
        timings.queued = run.timings.queuedMs;
        timings.execution = run.timings.executionMs;
        progress(0.92);
        const finished = await helpers.finish(refined, { ...config.fidelity, measureOnly: chosen.workflow === 'generate' });
        lap('finish', t);
        timings.total = Math.round(performance.now() - t0);
        logger?.info(
          { server: client.url, promptId: run.promptId, fidelity: finished.fidelity.action, deltaE: finished.fidelity.deltaE, timings },
          'comfyui render finished',
        );
        return {
          images: finished.images,
          timings: { ...timings, ...Object.fromEntries(Object.entries(finished.timings).map(([k, v]) => [`finish_${k}`, v])) },
          details: {
            engine: 'comfyui' as const,
            workflow: chosen.workflow,
            server: client.url,
            promptId: run.promptId,
            settings: chosen,
            retries,
            timings,
            fidelity: finished.fidelity,
          },
        };
      } catch (error) {
        if (signal?.aborted) throw abortError();
        if (!(error instanceof ComfyError) || !error.retryElsewhere || attempt >= config.serverTries) throw error;
        pool.markDown(client, error);
        retries.push({ server: client.url, error: error.message });
        logger?.warn({ server: client.url, err: error, attempt }, 'comfyui server failed this render; trying the next one');
      }
    }
  }

  return { pool, workflows, settings, fingerprint, render };
}
