import type { Cut, FabricFamily, LookRender, Render } from '../api/types.ts';
import { colorName, cutName } from '../i18n/glossary.ts';
import type { Translator } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { styleSummary } from '../stylist/styleOptions.ts';

export interface CatalogLookup {
  families: FabricFamily[];
  cuts: Cut[];
}

export interface RenderCaption {
  /** The cloth's name: the catalogue family's, or "Photographed cloth". */
  family: string;
  /** The colourway's name; empty for a photographed cloth. */
  color: string;
  cut: string;
  view: string;
  /** The style chosen over the cut's preset, in words ("Lapel: peak · Turn-ups"); empty for the preset. */
  style: string;
  /** Colour (when there is one), cut, view and style, for the line under the cloth's name. */
  meta: string;
  /** One line for a caption. */
  line: string;
  /** A sentence for the image's alt text. */
  alt: string;
  /** A photographed cloth's own photo, shown beside its name. */
  clothThumbnailUrl?: string;
}

const humanize = (slug: string) => slug.replace(/[-_]+/g, ' ').replace(/^./, (c) => c.toUpperCase());

export function viewLabel(view: string, tr: Translator): string {
  const key = `view.${view}` as MessageKey;
  return ['front', 'three-quarter', 'back', 'side', 'detail'].includes(view) ? tr.t(key) : humanize(view);
}

/** What a caption reads of a render: a live preview's selection has these and nothing else. */
export type Described = Pick<Render, 'family' | 'color' | 'swatchUploadId' | 'cut' | 'view'> & {
  labels?: LookRender['labels'];
  cloth?: Render['cloth'];
  options?: Render['options'];
};

/**
 * A render's caption. A render from a photographed cloth is labelled as that cloth, never with the
 * family that happened to be selected when it was ordered (the family only lends the weave's sheen).
 */
export function describeRender(render: Described, tr: Translator, lookup?: CatalogLookup, options: { clothThumbnailUrl?: string } = {}): RenderCaption {
  const labels = render.labels;
  // A studio render (the cloth on a client's photo) has no cut or view: it is "the client's photo".
  const studio = render.cut === 'studio' && render.view === 'photo';
  const cut = lookup?.cuts.find((c) => c.id === render.cut);
  const cutLabel = studio ? tr.t('studio.caption') : cutName(cut?.name ?? labels?.cut ?? humanize(render.cut), tr.locale);
  const view = studio ? '' : viewLabel(render.view, tr);
  const style = studio ? '' : styleSummary(render.cut, render.options, tr);
  const withStyle = (text: string) => (style ? `${text} · ${style}` : text);
  const cutAndView = studio ? cutLabel : withStyle(`${cutLabel} · ${view}`);
  if (render.swatchUploadId || render.cloth?.kind === 'photographed') {
    const family = tr.t('cloth.photographed');
    const meta = cutAndView;
    const thumbnail = render.cloth?.kind === 'photographed' ? render.cloth.thumbnailUrl : options.clothThumbnailUrl;
    return {
      family,
      color: '',
      cut: cutLabel,
      view,
      style,
      meta,
      line: `${family} · ${meta}`,
      alt: studio ? tr.t('studio.captionAltPhotographed') : withStyle(tr.t('render.altPhotographed', { cut: cutLabel, view })),
      ...(thumbnail ? { clothThumbnailUrl: thumbnail } : {}),
    };
  }
  const family = lookup?.families.find((f) => f.id === render.family);
  const colorway = family?.colors.find((c) => c.id === render.color);
  const familyName = family?.name ?? labels?.family ?? humanize(render.family);
  const color = colorName(colorway?.name ?? labels?.color ?? humanize(render.color ?? ''), tr.locale);
  const meta = `${color} · ${cutAndView}`;
  return {
    family: familyName,
    color,
    cut: cutLabel,
    view,
    style,
    meta,
    line: `${familyName} · ${meta}`,
    alt: studio ? tr.t('studio.captionAlt', { family: familyName, color }) : withStyle(tr.t('render.alt', { cut: cutLabel, view, family: familyName, color })),
  };
}

export function downloadName(render: Render): string {
  const ext = render.images.find((i) => i.size === 'full')?.format === 'jpeg' ? 'jpg' : (render.images.find((i) => i.size === 'full')?.format ?? 'jpg');
  return `atelier-${render.family}-${render.color ?? 'cloth'}-${render.cut}-${render.view}.${ext}`;
}
