import type { Cut, FabricFamily, Render } from '../api/types.ts';

const color = (id: string, name: string, hex: string) => ({ id, name, hex, repeatMm: null, swatchUrl: `/api/swatches/x/${id}.jpg` });

/** A small catalogue shaped like the demo one. */
export const FAMILIES: FabricFamily[] = [
  {
    id: 'twill',
    name: 'Super 120s Twill',
    composition: '100% wool, Super 120s',
    weightGsm: 260,
    season: 'all-season',
    description: 'A clean worsted twill.',
    design: { weave: 'twill', pattern: 'solid', threadMm: 0.22 },
    sort: 1,
    colors: [color('navy', 'Navy', '#1C2841'), color('charcoal', 'Charcoal', '#36393D'), color('black', 'Black', '#161616')],
  },
  {
    id: 'flannel',
    name: 'Winter Flannel',
    composition: '100% woollen-spun wool',
    weightGsm: 370,
    season: 'autumn-winter',
    description: 'Soft milled flannel.',
    design: { weave: 'flannel', pattern: 'solid', threadMm: 0.35 },
    sort: 2,
    colors: [color('light-grey', 'Light Grey', '#9A9C9E'), color('brown', 'Chocolate', '#4E3B31')],
  },
  {
    id: 'herringbone',
    name: 'Herringbone',
    composition: '100% wool',
    weightGsm: 320,
    season: 'autumn-winter',
    description: 'Broken twill.',
    design: { weave: 'herringbone', pattern: 'solid', threadMm: 0.35 },
    sort: 3,
    colors: [color('grey', 'Grey', '#6A6B6D'), color('olive', 'Olive', '#545440')],
  },
  {
    id: 'mohair',
    name: 'Summer Mohair',
    composition: '60% wool, 40% kid mohair',
    weightGsm: 240,
    season: 'spring-summer',
    description: 'Crisp and cool.',
    design: { weave: 'plain', pattern: 'solid', threadMm: 0.25 },
    sort: 4,
    colors: [color('navy', 'Navy', '#1D2A4A'), color('sand', 'Sand', '#C2B08F')],
  },
  {
    id: 'pinstripe',
    name: 'City Pinstripe',
    composition: '100% wool, Super 110s',
    weightGsm: 280,
    season: 'all-season',
    description: 'A fine pinstripe.',
    design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: 10 },
    sort: 5,
    colors: [color('navy', 'Navy', '#1A2236'), color('charcoal', 'Charcoal', '#333538')],
  },
];

export const CUTS: Cut[] = [
  {
    id: 'single-breasted',
    name: 'Single-breasted two-button',
    legacyId: 'recto',
    views: [
      { id: 'front', kind: 'builtin', width: 1024, height: 1536 },
      { id: 'three-quarter', kind: 'builtin', width: 1024, height: 1536 },
    ],
    options: [],
  },
  {
    id: 'double-breasted',
    name: 'Double-breasted six-on-two',
    legacyId: 'cruzado',
    views: [{ id: 'front', kind: 'builtin', width: 1024, height: 1536 }],
    options: [],
  },
];

export function render(over: Partial<Render> = {}): Render {
  const id = over.id ?? 'r1';
  return {
    id,
    status: 'succeeded',
    progress: 1,
    engine: 'compose',
    family: 'twill',
    color: 'navy',
    swatchUploadId: null,
    cloth: { kind: 'catalogue' },
    cut: 'single-breasted',
    view: 'front',
    options: null,
    attempts: 1,
    error: null,
    images: [
      { size: 'full', format: 'jpeg', url: `/files/renders/${id}/full.jpg`, width: 1024, height: 1536 },
      { size: 'preview', format: 'jpeg', url: `/files/renders/${id}/preview.jpg`, width: 512, height: 768 },
      { size: 'thumb', format: 'jpeg', url: `/files/renders/${id}/thumb.jpg`, width: 256, height: 384 },
    ],
    requestId: null,
    createdAt: '2025-01-01T10:00:00.000Z',
    startedAt: '2025-01-01T10:00:00.000Z',
    finishedAt: '2025-01-01T10:00:00.100Z',
    durationMs: 100,
    refinement: null,
    ...over,
  };
}
