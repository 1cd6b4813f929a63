/**
 * Every engine, in one place: adding one (the studio, a GPU refinement over comfyui) is adding an entry
 * here. An entry says where the engine runs and what it needs (Engine.needs), and how to make it.
 */
import { COMPOSE_ENGINE_VERSION, COMPOSE_NEEDS, createComposeEngine } from '../engines/compose/index.ts';
import type { Engine, EngineNeeds } from '../engines/types.ts';
import { COMFYUI_ENGINE_VERSION } from '../engines/comfyui/engine.ts';
import { shippedViews, templateVersion } from '../templates/index.ts';
import type { CutViewInfo } from '../engines/types.ts';
import type { StyleOptions } from '../templates/options.ts';

export interface EngineEntry {
  name: string;
  version: string;
  runsOn: Engine['runsOn'];
  needs: EngineNeeds;
  /** Templates it ships (cut/view), without loading them. */
  views(): CutViewInfo[];
  /** Version of a shipped view drawn with these style options (part of the render cache key). */
  templateVersion?(cut: string, view: string, options: StyleOptions): string;
  /** For 'thread' engines: the instance a render thread keeps. */
  createInThread?(options: {
    textureCacheBytes: number;
    templateCacheDir?: string;
    templateViews?: { memory: number; disk: number };
    clothLoopBytes?: number;
    draftMemoBytes?: number;
  }): Engine;
}

export const ENGINE_ENTRIES: Record<string, EngineEntry> = {
  compose: {
    name: 'compose',
    version: COMPOSE_ENGINE_VERSION,
    runsOn: 'thread',
    needs: COMPOSE_NEEDS,
    views: () => shippedViews().map(({ cut, view }) => ({ cut, view, width: 1024, height: 1536, version: templateVersion(cut, view) })),
    templateVersion: (cut, view, options) => templateVersion(cut, view, options),
    createInThread: (options) => createComposeEngine(options),
  },
  // The compose render made photoreal on ComfyUI servers (src/engines/comfyui): it waits on the
  // network, so it runs from the event loop; compose and the fidelity guard run on render threads.
  comfyui: {
    name: 'comfyui',
    version: COMFYUI_ENGINE_VERSION,
    runsOn: 'remote',
    needs: COMPOSE_NEEDS,
    views: () => shippedViews().map(({ cut, view }) => ({ cut, view, width: 1024, height: 1536, version: templateVersion(cut, view) })),
  },
};

export function createThreadEngine(
  name: string,
  options: {
    textureCacheBytes: number;
    templateCacheDir?: string;
    templateViews?: { memory: number; disk: number };
    clothLoopBytes?: number;
    draftMemoBytes?: number;
  },
): Engine {
  const entry = ENGINE_ENTRIES[name];
  if (!entry?.createInThread) throw new Error(`engine ${name} does not run in render threads`);
  return entry.createInThread(options);
}
