import type { Cut, FabricFamily, LookRender, Render } from '../api/types.ts';
import { colorName, cutName } from '../i18n/glossary.ts';
import type { Translator } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';

export interface CatalogLookup {
  families: FabricFamily[];
  cuts: Cut[];
}

export interface RenderCaption {
  family: string;
  color: string;
  cut: string;
  view: string;
  /** One line for a caption. */
  line: string;
  /** A sentence for the image's alt text. */
  alt: string;
}

const humanize = (slug: string) => slug.replace(/[-_]+/g, ' ').replace(/^./, (c) => c.toUpperCase());

export function viewLabel(view: string, tr: Translator): string {
  const key = `view.${view}` as MessageKey;
  return ['front', 'three-quarter', 'back', 'side'].includes(view) ? tr.t(key) : humanize(view);
}

/** What a caption reads of a render: a live preview's selection has these and nothing else. */
export type Described = Pick<Render, 'family' | 'color' | 'swatchUploadId' | 'cut' | 'view'> & { labels?: LookRender['labels'] };

export function describeRender(render: Described, tr: Translator, lookup?: CatalogLookup): RenderCaption {
  const labels = render.labels;
  const family = lookup?.families.find((f) => f.id === render.family);
  const colorway = family?.colors.find((c) => c.id === render.color);
  const cut = lookup?.cuts.find((c) => c.id === render.cut);
  const familyName = family?.name ?? labels?.family ?? humanize(render.family);
  const color = render.swatchUploadId
    ? tr.t('cloth.yours')
    : colorName(colorway?.name ?? labels?.color ?? humanize(render.color ?? ''), tr.locale);
  const cutLabel = cutName(cut?.name ?? labels?.cut ?? humanize(render.cut), tr.locale);
  const view = viewLabel(render.view, tr);
  return {
    family: familyName,
    color,
    cut: cutLabel,
    view,
    line: `${familyName} · ${color} · ${cutLabel} · ${view}`,
    alt: tr.t('render.alt', { cut: cutLabel, view, family: familyName, color }),
  };
}

export function downloadName(render: Render): string {
  const ext = render.images.find((i) => i.size === 'full')?.format === 'jpeg' ? 'jpg' : (render.images.find((i) => i.size === 'full')?.format ?? 'jpg');
  return `atelier-${render.family}-${render.color ?? 'cloth'}-${render.cut}-${render.view}.${ext}`;
}
