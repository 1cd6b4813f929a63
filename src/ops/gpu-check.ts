/**
 * `atelier gpu-check [URL]` (scripts/gpu-check.sh): verifies a ComfyUI host in one command, without a
 * database. It asks the server what it is (/system_stats), whether it has every node class the
 * workflows use (/object_info: custom nodes installed), then renders each workflow once through the
 * engine exactly as a worker would, and prints its timings and the fidelity guard's ΔE.
 */
import type { ComfyuiConfig, Config } from '../config.ts';
import { ComfyClient } from '../engines/comfyui/client.ts';
import type { ComfyRenderDetails } from '../engines/comfyui/engine.ts';
import { loadWorkflows, WORKFLOW_NAMES } from '../engines/comfyui/workflows.ts';
import { createRenderService } from '../rendering/index.ts';
import type { FabricDescriptor } from '../rendering/fabric.ts';

/** The check's cloth: a navy pinstripe (a colour and a pattern that a repainting model gets wrong). */
const CHECK_FABRIC: FabricDescriptor = {
  design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: 10, heather: 0.05, sheen: 0.2 },
  hex: '#1A2236',
};

export interface GpuCheckResult {
  ok: boolean;
  lines: string[];
}

/** Checks the first of COMFYUI_URLS (the CLI puts the URL it is given there). */
export async function gpuCheck(config: Config, print: (line: string) => void = console.log): Promise<GpuCheckResult> {
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    print(line);
  };
  if (!config.comfyui) throw new Error("gpu-check: give the ComfyUI server's URL (atelier gpu-check http://gpu-1:8188) or set COMFYUI_URLS");
  const comfy: ComfyuiConfig = { ...config.comfyui, urls: [config.comfyui.urls[0]!], serverTries: 1 };
  let ok = true;
  const client = new ComfyClient(comfy.urls[0]!, { timeouts: comfy.timeouts, retries: comfy.retries, backoffMs: comfy.backoffMs });

  say(`ComfyUI server ${comfy.urls[0]}`);
  try {
    const stats = await client.systemStats();
    const device = stats.devices[0];
    const gb = (b?: number) => (b === undefined ? '?' : `${(b / 1024 ** 3).toFixed(1)} GB`);
    say(
      `  version ${String(stats.system.comfyui_version ?? '?')}, python ${String(stats.system.python_version ?? '?')}, pytorch ${String(stats.system.pytorch_version ?? '?')}`,
    );
    say(`  device ${device ? `${device.name} (${device.type}), VRAM ${gb(device.vram_free)} free of ${gb(device.vram_total)}` : 'none reported'}`);
  } catch (error) {
    say(`  FAILED: ${(error as Error).message}`);
    return { ok: false, lines };
  }

  const workflows = loadWorkflows(comfy.workflowsDir);
  try {
    const classes = await client.nodeClasses();
    for (const w of Object.values(workflows)) {
      const missing = [...w.nodeClasses].filter((c) => !classes.has(c));
      if (missing.length) {
        ok = false;
        say(`  workflow ${w.name}: MISSING node classes ${missing.join(', ')} (install the custom nodes: see OPERATIONS.md, "GPU host")`);
      } else say(`  workflow ${w.name}: all ${w.nodeClasses.size} node classes present`);
    }
  } catch (error) {
    ok = false;
    say(`  could not list node classes: ${(error as Error).message}`);
  }
  if (!ok) return { ok, lines };

  const rendering = createRenderService({
    threads: 1,
    textureCacheBytes: config.worker.textureCacheBytes,
    templateCacheDir: config.worker.templateCacheDir,
    comfyui: comfy,
  });
  try {
    for (const workflow of WORKFLOW_NAMES) {
      const started = performance.now();
      try {
        const result = await rendering.render({
          engine: 'comfyui',
          cut: 'single-breasted',
          view: 'front',
          fabric: CHECK_FABRIC,
          sizes: ['full'],
          comfyui: { workflow },
        });
        const d = result.details as unknown as ComfyRenderDetails;
        const t = d.timings;
        const f = d.fidelity;
        say(
          `  ${workflow}: ${Math.round(performance.now() - started)} ms (compose ${t.compose ?? '?'}, upload ${t.upload ?? '?'}, queued ${t.queued ?? '?'}, execution ${t.execution ?? '?'}, download ${t.download ?? '?'}, finish ${t.finish ?? '?'} ms)`,
        );
        say(
          `    ΔE2000 garment vs cloth: refined ${f.deltaE.refined}, compose ${f.deltaE.compose}, delivered ${f.deltaE.delivered} (limit ${f.maxDeltaE}); pattern period ${f.period.compose ?? '-'} → ${f.period.refined ?? '-'} px, likeness ${f.period.similarity}; ${f.action}${f.reason ? `: ${f.reason}` : ''}`,
        );
      } catch (error) {
        ok = false;
        say(`  ${workflow}: FAILED after ${Math.round(performance.now() - started)} ms: ${(error as Error).message}`);
      }
    }
  } finally {
    await rendering.close();
  }
  say(ok ? 'GPU host OK' : 'GPU host NOT ready');
  return { ok, lines };
}
