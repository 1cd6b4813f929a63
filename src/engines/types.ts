/**
 * The contract every renderer (compose on CPU, comfyui on GPU, the studio) fulfils.
 * Engines never touch the database or storage: the render service (src/rendering) resolves what an
 * engine declares it needs (template, cloth pixels, a painted mask) and hands it over resolved.
 */
import type { CutView } from '../templates/types.ts';
import type { StyleOptions } from '../templates/options.ts';

/** Output sizes: 'hd' is 2048×3072 (zoom and download), made only when asked for. */
export type OutputSize = 'hd' | 'full' | 'preview' | 'thumb';

export type { CutView };

/** Weave structures a family can be woven in. */
export type WeaveKind = 'plain' | 'twill' | 'herringbone' | 'hopsack' | 'sharkskin' | 'birdseye' | 'flannel' | 'satin';

/** Patterns laid over the weave by coloured yarns. */
export type PatternKind = 'solid' | 'pinstripe' | 'chalkstripe' | 'glencheck' | 'houndstooth' | 'windowpane';

/** How a fabric family is woven: stored as JSON on the family row. */
export interface FabricDesign {
  weave: WeaveKind;
  pattern: PatternKind;
  /** Width of one yarn in millimetres (e.g. 0.25 for a fine worsted). */
  threadMm: number;
  /** Default pattern repeat in millimetres (stripe spacing, check size); a colour may override it. */
  repeatMm?: number;
  /** 0..1 mélange: how much yarn-to-yarn tone variation (flannel, heathered cloth). */
  heather?: number;
  /** 0..1 raised fibre that softens the weave (flannel, cashmere). */
  nap?: number;
  /** 0..1 lustre (mohair, silk blends) versus matte (flannel). */
  sheen?: number;
  /** Colour of the stripe / check / overcheck yarns; derived from the ground when absent. */
  accentHex?: string;
}

/** An uploaded swatch photo made into a seamless tile (see fabrics/swatch). */
export interface SwatchTile {
  /** Raw interleaved RGB, 3 bytes per pixel, sRGB. */
  rgb: Uint8Array;
  width: number;
  height: number;
  /** Real-world width of the tile in millimetres (from the admin's or associate's input). */
  widthMm: number;
}

/** Everything about the cloth that determines pixels. */
export interface FabricSpec {
  design: FabricDesign;
  /** Ground colour of the colourway, '#RRGGBB'. */
  hex: string;
  /** Pattern repeat for this colourway, overriding design.repeatMm. */
  repeatMm?: number;
  /** When present, the swatch photo is draped instead of the procedural weave. */
  swatch?: SwatchTile;
}

export interface WatermarkSpec {
  text: string;
  /** 0..1 */
  opacity: number;
  position: 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left' | 'center';
}

export type ImageFormat = 'jpeg' | 'webp' | 'avif';

export interface RenderRequest {
  /** Cut slug, e.g. 'single-breasted'. */
  cut: string;
  /** View slug, e.g. 'front'. */
  view: string;
  fabric: FabricSpec;
  watermark: WatermarkSpec;
  /** Style options of a shipped (drawn) cut, resolved; its preset when absent. */
  options?: StyleOptions;
  /**
   * The template, already loaded, when it is not one the engine ships: an admin's photo view (a
   * model in a light suit plus its garment mask) or a client's photo with a painted mask (studio).
   */
  template?: CutView;
  /** Sizes to produce (default all three): a live preview needs only 'preview', ten times cheaper. */
  sizes?: OutputSize[];
  /** Formats to encode; JPEG is always produced. */
  formats?: ImageFormat[];
  /** Called with 0..1 as the render advances. */
  onProgress?: (progress: number) => void;
  signal?: AbortSignal;
}

export interface EncodedImage {
  size: OutputSize;
  format: ImageFormat;
  width: number;
  height: number;
  data: Buffer;
}

export interface RenderResult {
  images: EncodedImage[];
  /** Milliseconds spent, by stage, for logs and benchmarks. */
  timings: Record<string, number>;
  /** What the render row keeps about how it was made (the GPU engine: server, settings, fidelity). */
  details?: Record<string, unknown>;
}

export interface CutViewInfo {
  cut: string;
  view: string;
  width: number;
  height: number;
  /** Changes whenever the template's pixels change: part of the render cache key. */
  version: string;
}

/** What an engine needs resolved before it renders; the render service provides exactly that. */
export interface EngineNeeds {
  /**
   * The garment template of the cut/view. Shipped (drawn) views the engine loads itself; photo views
   * and studio photos reach it as `RenderRequest.template`, loaded once per version.
   */
  template: boolean;
  /** The cloth's pixels: a photographed swatch as a seamless tile (`FabricSpec.swatch`). */
  swatchTile: boolean;
  /** A mask painted over a client's photo, part of the request (studio). */
  paintedMask: boolean;
}

export interface Engine {
  /** 'compose', 'comfyui', ... */
  readonly name: string;
  /** Part of the render cache key: bump when output pixels change for the same input. */
  readonly version: string;
  /**
   * Where its work happens: 'thread' engines are CPU-bound and run inside the render pool's worker
   * threads; 'remote' engines (a GPU server) only wait on the network, from the event loop.
   */
  readonly runsOn: 'thread' | 'remote';
  readonly needs: EngineNeeds;
  /** Templates this engine can render; the catalog's cuts refer to these. */
  views(): CutViewInfo[];
  render(request: RenderRequest): Promise<RenderResult>;
}

/** What an engine is and draws, without rendering: the render service renders for it. */
export type EngineInfo = Omit<Engine, 'render'> & {
  /** Version of a shipped view drawn with these style options (engines that draw their suits). */
  templateVersion?(cut: string, view: string, options: StyleOptions): string;
};
