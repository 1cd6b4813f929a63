/**
 * Cloth-photo benchmarks: a 12 MP phone photo (4000 × 3000, a glen check seen tilted with a floor
 * and another cloth in the frame) decoded and analysed — found, straightened, measured, resampled —
 * medians of wall time and of CPU time (the CPU figure is what the machine's other load cannot
 * inflate); and the acceptance table of the five synthetic cloths. Run alone with:
 *   node --import tsx -e "import('./bench/cloth-photo.bench.ts').then(m=>m.benchClothPhoto()).then(r=>console.log(JSON.stringify(r,null,2)))"
 */
import sharp from 'sharp';
import { createComposeEngine } from '../src/engines/compose/index.ts';
import { ACCEPTANCE_CASES, runAcceptanceCase } from '../src/fabrics/cloth-photo/acceptance.ts';
import { analyzeClothPhoto, encodeRectifiedCloth } from '../src/fabrics/cloth-photo/index.ts';
import { photographCloth } from '../src/fabrics/cloth-photo/synthetic.ts';
import { generateFabricTexture } from '../src/fabrics/index.ts';
import { summary } from './stats.ts';

async function twelveMegapixelPhoto(): Promise<Buffer> {
  const c = ACCEPTANCE_CASES[0];
  const texture = generateFabricTexture(c.spec, 20);
  const photo = await photographCloth(texture, {
    ...c.shot,
    width: 4000,
    height: 3000,
    mmPerPx: 0.1,
    noise: 2.5,
    jpegQuality: 85,
    seed: 11,
    intruders: c.intruders(0.1),
    samplesPerPx: 1,
  });
  return photo.jpeg;
}

export async function benchClothPhoto(runs = 7): Promise<Record<string, unknown>> {
  const jpeg = await twelveMegapixelPhoto();
  const decodeMs: number[] = [], wallMs: number[] = [], cpuMs: number[] = [], encodeMs: number[] = [], totalMs: number[] = [];
  let last: ReturnType<typeof analyzeClothPhoto> | undefined;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const { data, info } = await sharp(jpeg).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const t1 = performance.now();
    const cpu0 = process.cpuUsage();
    last = analyzeClothPhoto(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height);
    const cpu = process.cpuUsage(cpu0);
    const t2 = performance.now();
    await encodeRectifiedCloth(last.rectified);
    const t3 = performance.now();
    decodeMs.push(t1 - t0);
    wallMs.push(t2 - t1);
    cpuMs.push((cpu.user + cpu.system) / 1000);
    encodeMs.push(t3 - t2);
    totalMs.push(t3 - t0);
  }
  const engine = createComposeEngine();
  const table = [];
  for (const c of ACCEPTANCE_CASES) {
    const { analysis: _a, ...row } = await runAcceptanceCase(c, engine);
    table.push(row);
  }
  return {
    photo: { width: 4000, height: 3000, megapixels: 12, jpegBytes: jpeg.length },
    decodeMs: summary(decodeMs),
    analysisMs: summary(wallMs),
    analysisCpuMs: summary(cpuMs),
    encodeMs: summary(encodeMs),
    totalMs: summary(totalMs),
    estimate: last && { box: last.box, rotationDeg: last.rotationDeg, tiltDeg: last.tiltDeg, mmPerPx: last.mmPerPx, repeatMm: last.repeatMm, patches: last.patches, rectified: [last.rectified.width, last.rectified.height] },
    acceptance: table,
  };
}
