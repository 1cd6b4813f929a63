/**
 * `scripts/gpu-check.sh URL` verifies a ComfyUI host in one command: here against the fake server
 * (the real protocol), once ready and once without the IP-Adapter custom nodes.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TEMPLATE_CACHE } from '../../src/engines/compose/test-helpers.ts';
import { startFakeComfyUI, type FakeComfyUI } from '../helpers/fake-comfyui.ts';

const SCRIPT = path.resolve(__dirname, '../../scripts/gpu-check.sh');

function run(url: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(SCRIPT, [url], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        TEMPLATE_CACHE_DIR: TEST_TEMPLATE_CACHE,
        COMFYUI_STEPS: '4',
        COMFYUI_URLS: '',
        DATABASE_URL: '',
      },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

let ready: FakeComfyUI;
let bare: FakeComfyUI;
beforeAll(async () => {
  ready = await startFakeComfyUI({ stepMs: 2 });
  bare = await startFakeComfyUI({ nodeClasses: ['CheckpointLoaderSimple', 'LoadImage', 'LoadImageMask', 'KSampler', 'SaveImage'] });
});
afterAll(async () => {
  await ready?.stop();
  await bare?.stop();
});

describe('gpu-check', () => {
  it('a ready host: device, node classes, then each workflow rendered once with timings and ΔE; exit 0', async () => {
    const { code, out } = await run(ready.url);
    expect(out).toContain(`ComfyUI server ${ready.url}`);
    expect(out).toMatch(/device cuda:0 NVIDIA GeForce RTX 4090.*VRAM \d+\.\d GB free of 23\.6 GB/);
    expect(out).toMatch(/workflow refine: all \d+ node classes present/);
    expect(out).toMatch(/refine: \d+ ms \(compose \d+, upload \d+, queued \d+, execution \d+, download \d+, finish \d+ ms\)/);
    expect(out).toMatch(/ΔE2000 garment vs cloth: refined [\d.]+, compose [\d.]+, delivered [\d.]+ \(limit 3\).*refined/);
    expect(out).toMatch(/generate: \d+ ms/);
    expect(out).toMatch(/measured/);
    expect(out).toContain('GPU host OK');
    expect(code).toBe(0);
    // One prompt per workflow reached the server.
    expect(ready.prompts).toHaveLength(2);
  });

  it('a host without the custom nodes: names what is missing, renders nothing, exit 1', async () => {
    const { code, out } = await run(bare.url);
    expect(out).toMatch(/workflow refine: MISSING node classes .*IPAdapterUnifiedLoader.*IPAdapterAdvanced/);
    expect(code).toBe(1);
    expect(bare.prompts).toHaveLength(0);
  });
});
