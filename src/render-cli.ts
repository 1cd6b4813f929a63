import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { parseCatalogDocument } from './catalog/catalog-file.ts';
import type { ImageFormat } from './engines/types.ts';
import { createRenderService } from './rendering/index.ts';

/** `atelier render`: one image straight from a catalog file, for people and scripts, through the render service. */
export async function renderFromCatalogFile(options: {
  catalogFile: string;
  family: string;
  color: string;
  cut: string;
  view?: string;
  out: string;
  watermark?: string;
  /** Rasterised templates kept between runs (built in memory otherwise). */
  templateCacheDir?: string;
}) {
  const doc = parseCatalogDocument(JSON.parse(await readFile(options.catalogFile, 'utf8')));
  const family = doc.families.find((f) => f.slug === options.family);
  if (!family) throw new RenderCliError(`Unknown family "${options.family}"; known: ${doc.families.map((f) => f.slug).join(', ')}`);
  const color = family.colors.find((c) => c.slug === options.color);
  if (!color) throw new RenderCliError(`Unknown colour "${options.color}" in ${family.slug}; known: ${family.colors.map((c) => c.slug).join(', ')}`);
  const rendering = createRenderService({ threads: 1, textureCacheBytes: 64 * 1024 * 1024, templateCacheDir: options.templateCacheDir });
  try {
    const engine = rendering.engines.get('compose')!;
    const views = engine.views().filter((v) => v.cut === options.cut);
    if (views.length === 0) {
      throw new RenderCliError(`Unknown cut "${options.cut}"; known: ${[...new Set(engine.views().map((v) => v.cut))].join(', ')}`);
    }
    const view = options.view ?? views[0]!.view;
    if (!views.some((v) => v.view === view))
      throw new RenderCliError(`The cut "${options.cut}" has no view "${view}"; known: ${views.map((v) => v.view).join(', ')}`);

    const ext = path.extname(options.out).toLowerCase().replace('.', '');
    const format: ImageFormat | 'png' =
      ext === 'jpg' || ext === 'jpeg'
        ? 'jpeg'
        : ext === 'webp'
          ? 'webp'
          : ext === 'avif'
            ? 'avif'
            : ext === 'png'
              ? 'png'
              : (() => {
                  throw new RenderCliError(`--out must end in .jpg, .webp, .avif or .png`);
                })();

    const started = performance.now();
    const result = await rendering.render({
      cut: options.cut,
      view,
      fabric: { design: family.design, hex: color.hex, repeatMm: color.repeatMm },
      watermark: { text: options.watermark ?? 'ATELIER', opacity: 0.35, position: 'bottom-right' },
      sizes: ['full'],
      formats: format === 'png' || format === 'jpeg' ? [] : [format],
    });
    const full = result.images.find((i) => i.size === 'full' && i.format === (format === 'png' ? 'jpeg' : format))!;
    const data = format === 'png' ? await sharp(full.data).png().toBuffer() : full.data;
    await writeFile(options.out, data);
    return { width: full.width, height: full.height, format, bytes: data.length, ms: Math.round(performance.now() - started) };
  } finally {
    await rendering.close();
  }
}

export class RenderCliError extends Error {}
