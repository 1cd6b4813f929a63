/**
 * Writes docs/contact-sheet.png: every shipped cut × view in a selection of the demo catalog's cloths,
 * plus the two reference photo templates, labelled, for a person to look at.
 *
 *   npm run contact-sheet            (options: --out FILE, --cell WIDTH)
 *   npm run contact-sheet -- --options   docs/contact-sheet-options.png: style options × views
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type OverlayOptions } from 'sharp';
import type { RawImage } from '../src/engines/compose/index.ts';
import { createRenderService, type FabricDescriptor, type TemplateSource } from '../src/rendering/index.ts';
import { VIEWS, resolveOptions, shippedViews } from '../src/templates/index.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : def;
};
const outFile = resolve(root, arg('out', 'docs/contact-sheet.png'));
const cellW = Number(arg('cell', '172'));
// Cells show the figure, not the whole frame: the central 62 % of the width, full height.
const CROP_X = 0.19;
const cellH = Math.round((cellW / (1 - 2 * CROP_X)) * 1.5);
const labelH = 34;
const rowLabelW = 150;

interface Column {
  label: string;
  fabric: FabricDescriptor;
}

/** A spread of weaves and patterns from the demo catalog (literal cloths if it is missing). */
function columns(): Column[] {
  const file = resolve(root, 'catalog/demo.json');
  const picks: Array<[string, string]> = [
    ['super-120s-twill', 'navy'],
    ['winter-flannel', 'light-grey'],
    ['city-pinstripe', 'charcoal'],
    ['chalk-stripe-flannel', 'navy'],
    ['prince-of-wales', 'grey'],
    ['houndstooth-tweed', 'brown'],
    ['windowpane', 'tan'],
    ['summer-mohair', 'cream'],
  ];
  if (existsSync(file)) {
    const demo = JSON.parse(readFileSync(file, 'utf8')) as {
      families: Array<{
        slug: string;
        name: string;
        design: FabricDescriptor['design'];
        colors: Array<{ slug: string; name: string; hex: string; repeatMm?: number }>;
      }>;
    };
    const cols: Column[] = [];
    for (const [fam, col] of picks) {
      const f = demo.families.find((x) => x.slug === fam);
      const c = f?.colors.find((x) => x.slug === col) ?? f?.colors[0];
      if (f && c) cols.push({ label: `${f.name}\n${c.name} ${c.hex}`, fabric: { design: f.design, hex: c.hex, repeatMm: c.repeatMm } });
    }
    if (cols.length) return cols;
  }
  return [
    { label: 'Twill\nNavy #1C2841', fabric: { hex: '#1C2841', design: { weave: 'twill', pattern: 'solid', threadMm: 0.22, sheen: 0.25 } } },
    { label: 'Pinstripe\nCharcoal #333538', fabric: { hex: '#333538', design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: 10 } } },
    { label: 'Glen check\nGrey #6E6F70', fabric: { hex: '#6E6F70', design: { weave: 'twill', pattern: 'glencheck', threadMm: 0.25, repeatMm: 60 } } },
  ];
}

function esc(s: string) {
  return s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] as string);
}

function textSvg(w: number, h: number, lines: string[], size: number, anchor: 'middle' | 'start' = 'middle', weight = 'normal'): Buffer {
  const x = anchor === 'middle' ? w / 2 : 8;
  const t = lines
    .map(
      (l, i) =>
        `<text x="${x}" y="${size + 4 + i * (size + 3)}" text-anchor="${anchor}" font-family="DejaVu Sans, sans-serif" font-size="${size}" font-weight="${i === 0 ? weight : 'normal'}" fill="#2b2b2b">${esc(l)}</text>`,
    )
    .join('');
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${t}</svg>`);
}

async function cell(raw: RawImage, crop: boolean): Promise<Buffer> {
  const img = sharp(raw.rgb, { raw: { width: raw.width, height: raw.height, channels: 3 } });
  if (crop) {
    const left = Math.round(raw.width * CROP_X);
    img.extract({ left, top: 0, width: raw.width - 2 * left, height: raw.height });
  }
  return img
    .resize(cellW, cellH, { kernel: 'lanczos3', fit: crop ? 'cover' : 'contain', background: '#fbfaf8' })
    .png()
    .toBuffer();
}

async function main() {
  // Through the render service, as the product renders (previews are JPEG q86, then scaled down).
  const rendering = createRenderService({ threads: 2, textureCacheBytes: 128 * 1024 * 1024, templateCacheDir: resolve(root, 'data/template-cache') });
  const cols = columns();
  const rows: Array<{ label: string[]; cut: string; view: string; template?: TemplateSource }> = shippedViews().map((v) => {
    // "Single-breasted two-button" → two lines, then the view.
    const [first, ...rest] = v.name.split(' ');
    return { label: [first, rest.join(' '), v.view], cut: v.cut, view: v.view };
  });

  const photoDir = resolve(root, '../shared/reference/photo-templates');
  for (const [name, label] of [
    ['recto', 'Photo template'],
    ['cruzado', 'Photo template'],
  ] as const) {
    const base = `${photoDir}/${name}_reference.jpg`;
    if (!existsSync(base)) continue;
    const template: TemplateSource = { kind: 'bytes', base: await readFile(base), mask: await readFile(`${photoDir}/${name}_mask.png`) };
    rows.push({
      label: [label, `${name}_reference.jpg`, name === 'recto' ? 'single-breasted' : 'double-breasted'],
      cut: `photo-${name}`,
      view: 'front',
      template,
    });
  }

  const W = rowLabelW + cols.length * cellW;
  const H = labelH + 8 + rows.length * (cellH + 6);
  const composites: OverlayOptions[] = [];
  cols.forEach((c, i) =>
    composites.push({ input: textSvg(cellW, labelH + 8, c.label.split('\n'), 11, 'middle', 'bold'), left: rowLabelW + i * cellW, top: 2 }),
  );
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const top = labelH + 8 + r * (cellH + 6);
    composites.push({ input: textSvg(rowLabelW, 70, row.label, 12, 'start', 'bold'), left: 0, top: top + cellH / 2 - 30 });
    for (let c = 0; c < cols.length; c++) {
      const { images } = await rendering.render({ cut: row.cut, view: row.view, template: row.template, fabric: cols[c].fabric, sizes: ['preview'] });
      const { data, info } = await sharp(images[0]!.data).raw().toBuffer({ resolveWithObject: true });
      const raw: RawImage = { width: info.width, height: info.height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.length) };
      composites.push({ input: await cell(raw, true), left: rowLabelW + c * cellW, top });
    }
    process.stdout.write(`${row.cut}/${row.view} `);
  }
  await mkdir(dirname(outFile), { recursive: true });
  const img = await sharp({ create: { width: W, height: H, channels: 3, background: '#fbfaf8' } })
    .composite(composites)
    .png({ palette: true, quality: 92, effort: 8, dither: 0.6 })
    .toFile(outFile);
  console.log(`\n${outFile}: ${W}×${H}, ${(img.size / 1024).toFixed(0)} KiB`);
  await rendering.close();
}

/** Style options × views: one cloth, each row a make of suit, each column a view. */
async function mainOptions() {
  const out = resolve(root, arg('out', 'docs/contact-sheet-options.png'));
  const rendering = createRenderService({ threads: 2, textureCacheBytes: 128 * 1024 * 1024, templateCacheDir: resolve(root, 'data/template-cache') });
  const fabric: FabricDescriptor = {
    hex: '#2B3A55',
    design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: 12, heather: 0.05, sheen: 0.2 },
  };
  const rows: Array<{ label: string[]; cut: string; options: Record<string, string> }> = [
    { label: ['Single-breasted', 'preset (recto)'], cut: 'single-breasted', options: {} },
    {
      label: ['SB one button', 'peak, wide lapel', 'patch pockets'],
      cut: 'single-breasted',
      options: { fastening: 'sb1', lapel: 'peak', lapelWidth: 'wide', pockets: 'patch', vents: 'single' },
    },
    {
      label: ['SB three button', 'slim lapel, ticket', 'jetted, no vents'],
      cut: 'single-breasted',
      options: { fastening: 'sb3', lapelWidth: 'slim', ticketPocket: 'yes', pockets: 'jetted', vents: 'none', tie: 'forest' },
    },
    {
      label: ['Shawl collar', 'no tie, light horn', 'brown shoes'],
      cut: 'single-breasted',
      options: { lapel: 'shawl', fastening: 'sb1', tie: 'none', buttons: 'horn-light', shoes: 'brown', shirt: 'light-blue' },
    },
    { label: ['Double-breasted', 'preset (cruzado)'], cut: 'double-breasted', options: {} },
    {
      label: ['DB four on one', 'matching buttons', 'turn-ups'],
      cut: 'double-breasted',
      options: { fastening: 'db4x1', buttons: 'matching', trouserHem: 'turnups', tie: 'silver' },
    },
    { label: ['Three-piece', 'preset'], cut: 'three-piece', options: {} },
    {
      label: ['Three-piece', 'DB waistcoat', 'pleated, peak'],
      cut: 'three-piece',
      options: { waistcoat: 'db', trouserFront: 'pleated', lapel: 'peak', fastening: 'sb1' },
    },
  ];
  const views = [...VIEWS];
  const W = rowLabelW + views.length * cellW;
  const H = labelH + 8 + rows.length * (cellH + 6);
  const composites: OverlayOptions[] = [];
  views.forEach((v, i) => composites.push({ input: textSvg(cellW, labelH + 8, [v], 12, 'middle', 'bold'), left: rowLabelW + i * cellW, top: 6 }));
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const top = labelH + 8 + r * (cellH + 6);
    composites.push({ input: textSvg(rowLabelW, 70, row.label, 12, 'start', 'bold'), left: 0, top: top + cellH / 2 - 30 });
    const options = resolveOptions(row.cut, row.options);
    const cells = await Promise.all(
      views.map(async (view) => {
        const { images } = await rendering.render({ cut: row.cut, view, fabric, options, sizes: ['preview'] });
        const { data, info } = await sharp(images[0]!.data).raw().toBuffer({ resolveWithObject: true });
        return cell({ width: info.width, height: info.height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.length) }, true);
      }),
    );
    cells.forEach((input, c) => composites.push({ input, left: rowLabelW + c * cellW, top }));
    process.stdout.write(`${row.label.join(' ')} · `);
  }
  await mkdir(dirname(out), { recursive: true });
  const img = await sharp({ create: { width: W, height: H, channels: 3, background: '#fbfaf8' } })
    .composite(composites)
    .png({ palette: true, quality: 92, effort: 8, dither: 0.6 })
    .toFile(out);
  console.log(`\n${out}: ${W}×${H}, ${(img.size / 1024).toFixed(0)} KiB`);
  await rendering.close();
}

if (args.includes('--options')) await mainOptions();
else await main();
