/** The JSON the Atelier API answers with (see DESIGN.md §4). */

export type Season = 'all-season' | 'spring-summer' | 'autumn-winter';

export interface FabricDesign {
  weave: string;
  pattern: string;
  threadMm: number;
  repeatMm?: number;
  heather?: number;
  nap?: number;
  sheen?: number;
}

export interface Colorway {
  id: string;
  name: string;
  hex: string;
  repeatMm: number | null;
  swatchUrl: string;
}

export interface FabricFamily {
  id: string;
  name: string;
  composition: string;
  weightGsm: number | null;
  season: Season;
  description: string;
  design: FabricDesign;
  sort: number;
  colors: Colorway[];
}

export interface CutView {
  id: string;
  kind: string;
  width: number | null;
  height: number | null;
}

export interface Cut {
  id: string;
  name: string;
  legacyId: string | null;
  views: CutView[];
}

export type RenderStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';
export const TERMINAL: RenderStatus[] = ['succeeded', 'failed', 'canceled'];
export const isTerminal = (status: RenderStatus) => TERMINAL.includes(status);

export interface RenderImage {
  size: 'full' | 'preview' | 'thumb';
  format: string;
  url: string;
  width: number;
  height: number;
}

export interface Render {
  id: string;
  status: RenderStatus;
  progress: number;
  family: string;
  color: string | null;
  swatchUploadId: string | null;
  /** What the suit is made of; a photographed cloth is not the family it was ordered with. */
  cloth?: { kind: 'catalogue' } | { kind: 'photographed'; label: string; thumbnailUrl: string };
  cut: string;
  view: string;
  attempts: number;
  error: string | null;
  images: RenderImage[];
  createdAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  reused?: boolean;
}

export interface RenderBatch {
  batchId: string;
  renders: Render[];
}

export interface RenderOrder {
  family: string;
  color?: string;
  swatchUploadId?: string;
  cuts: string[];
  view?: string;
  /** Only these sizes: a live preview asks for 'preview' alone, which renders in a few milliseconds. */
  sizes?: Array<'full' | 'preview' | 'thumb'>;
}

/** What the server read from a photo sent with no width (see src/contract/swatches.ts). */
export interface ClothEstimate {
  box: { left: number; top: number; width: number; height: number };
  rotationDeg: number;
  tiltDeg: number;
  mmPerPx: number;
  photoMmPerPx: number;
  widthMm: number;
  repeatMm: { x: number; y: number };
  scaleSource: 'weave' | 'framing';
  confidence: number;
}

export interface SwatchUpload {
  id: string;
  url: string;
  meanHex: string;
  widthMm: number;
  width: number;
  height: number;
  /** How the cloth was found and measured when no width was given. */
  estimate?: ClothEstimate;
}

export interface SavedLook {
  token: string;
  url: string;
  title: string;
  clientName: string | null;
  createdAt: string;
  expiresAt: string;
}

export interface LookRender extends Render {
  labels: { family: string; color: string | null; cut: string };
}

export interface Look {
  token: string;
  title: string;
  clientName: string | null;
  createdAt: string;
  expiresAt: string;
  renders: LookRender[];
}

/** The image of a size, else the largest there is (a live-preview render has only its preview). */
export function imageOf(render: Pick<Render, 'images'>, size: RenderImage['size']): RenderImage | undefined {
  const jpeg = render.images.filter((i) => i.format === 'jpeg');
  const pool = jpeg.length ? jpeg : render.images;
  return pool.find((i) => i.size === size) ?? [...pool].sort((a, b) => b.width - a.width)[0];
}
