/**
 * A ComfyUI server for the test suite: no GPU, no weights, but ComfyUI's own HTTP + WebSocket protocol
 * (server.py, execution.py, main.py of comfyanonymous/ComfyUI), message shapes and order included:
 *
 *   POST /upload/image (multipart image, subfolder, type, overwrite) → {name, subfolder, type}
 *   POST /prompt {prompt, client_id} → {prompt_id, number, node_errors} | 400 {error, node_errors}
 *   WS /ws?clientId=  → status on connect; per prompt: execution_start, execution_cached,
 *        executing {node}, progress {value,max} (+ binary preview frames: uint32 BE event 1, uint32 BE
 *        image type 1 = JPEG, then the JPEG), executed {output}, execution_success, then
 *        executing {node: null} (main.py, after the history is written); on failure execution_error
 *        or execution_interrupted, then executing {node: null}
 *   GET /history/{id}, GET /view?filename&subfolder&type, GET /queue, POST /queue {delete|clear},
 *   POST /interrupt [{prompt_id}], GET /system_stats, GET /object_info
 *
 * The output is derived from the inputs: the largest LoadImage input (the init image) lightly blurred
 * and grained, or colour-shifted in mode 'colorShift'; a workflow without one (generate) gets the
 * swatch tiled over the EmptyLatentImage size.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import sharp from 'sharp';
import { WebSocketServer, type WebSocket } from 'ws';

export type FakeComfyMode =
  /** Runs every prompt to the end. */
  | 'success'
  /** Like success, with an output whose colour drifted (a model that repainted the cloth). */
  | 'colorShift'
  /** The sampler fails: execution_error with a CUDA out-of-memory message. */
  | 'error'
  /** Starts, reports two steps, then never says anything again (until interrupted). */
  | 'hang'
  /** Drops every WebSocket once in the middle of sampling, then carries on. */
  | 'disconnect'
  /** The process restarts in the middle of sampling: sockets cut, queue and history lost. */
  | 'restart'
  /** The prompt is accepted, then removed from the queue (an operator's POST /queue delete). */
  | 'queueDelete';

export interface FakeComfyOptions {
  mode?: FakeComfyMode;
  /** Sampler steps reported when the workflow's KSampler says none. */
  steps?: number;
  /** Delay between progress steps (slow progress: raise it). */
  stepMs?: number;
  port?: number;
  /** Node classes /object_info lists (default: every one the shipped workflows use). */
  nodeClasses?: string[];
}

interface QueueItem {
  number: number;
  id: string;
  prompt: Record<string, ApiNode>;
  clientId: string;
  outputs: string[];
}

interface ApiNode {
  class_type: string;
  inputs: Record<string, unknown>;
  _meta?: { title?: string };
}

interface HistoryEntry {
  prompt: [number, string, Record<string, ApiNode>, { client_id: string }, string[]];
  outputs: Record<string, { images: Array<{ filename: string; subfolder: string; type: string }> }>;
  status: { status_str: 'success' | 'error'; completed: boolean; messages: Array<[string, Record<string, unknown>]> };
  meta: Record<string, { node_id: string; display_node: string; parent_node: null; real_node_id: string }>;
}

export interface FakeComfyUI {
  readonly url: string;
  mode: FakeComfyMode;
  stepMs: number;
  steps: number;
  /** Uploaded inputs by name ("input" folder). */
  readonly uploads: Map<string, Buffer>;
  /** Every prompt accepted, in order. */
  readonly prompts: Array<{ id: string; clientId: string; prompt: Record<string, ApiNode> }>;
  readonly interrupts: Array<{ promptId: string | null }>;
  /** Ids removed through POST /queue {delete}. */
  readonly deleted: string[];
  /** Prompts waiting or running. */
  busy(): number;
  running(): string | null;
  /** Open WebSocket connections. */
  sockets(): number;
  /** Stops answering (connections refused) until up(). */
  down(): Promise<void>;
  up(): Promise<void>;
  /** A restart: everything in memory lost, same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const LOAD_IMAGE = new Set(['LoadImage', 'LoadImageMask']);

export async function startFakeComfyUI(options: FakeComfyOptions = {}): Promise<FakeComfyUI> {
  let mode: FakeComfyMode = options.mode ?? 'success';
  const uploads = new Map<string, Buffer>();
  const outputFiles = new Map<string, Buffer>();
  const history = new Map<string, HistoryEntry>();
  let pending: QueueItem[] = [];
  let current: (QueueItem & { interrupted: boolean; node: string | null }) | null = null;
  let counter = 0;
  let generation = 0;
  const prompts: FakeComfyUI['prompts'] = [];
  const interrupts: FakeComfyUI['interrupts'] = [];
  const deleted: string[] = [];
  const clients = new Map<string, WebSocket>();
  const connections = new Set<Socket>();
  let wake: (() => void) | undefined;

  const wss = new WebSocketServer({ noServer: true });

  function send(sid: string | null, type: string, data: Record<string, unknown>) {
    const message = JSON.stringify({ type, data });
    if (sid === null) {
      for (const ws of clients.values()) ws.send(message);
      return;
    }
    clients.get(sid)?.send(message);
  }
  const queueRemaining = () => pending.length + (current ? 1 : 0);
  const broadcastStatus = () => send(null, 'status', { status: { exec_info: { queue_remaining: queueRemaining() } } });

  wss.on('connection', (ws: WebSocket, req: http.IncomingMessage) => {
    const sid = new URL(req.url ?? '/', 'http://x').searchParams.get('clientId') || randomUUID().replace(/-/g, '');
    clients.get(sid)?.close();
    clients.set(sid, ws);
    ws.on('close', () => {
      if (clients.get(sid) === ws) clients.delete(sid);
    });
    ws.send(JSON.stringify({ type: 'status', data: { status: { exec_info: { queue_remaining: queueRemaining() } }, sid } }));
    // server.py: a client reconnecting while its prompt runs is told which node is executing.
    if (current && current.clientId === sid && current.node !== null) {
      ws.send(JSON.stringify({ type: 'executing', data: { node: current.node, display_node: current.node, prompt_id: current.id } }));
    }
  });

  function jsonReply(res: http.ServerResponse, status: number, body: unknown) {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  async function readBody(req: http.IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  function validate(prompt: Record<string, ApiNode>): { error: Record<string, unknown>; node_errors: Record<string, unknown> } | { outputs: string[] } {
    const nodeErrors: Record<string, unknown> = {};
    const outputs: string[] = [];
    for (const [id, node] of Object.entries(prompt)) {
      if (!node || typeof node.class_type !== 'string' || typeof node.inputs !== 'object') {
        return {
          error: {
            type: 'invalid_prompt',
            message: `Cannot execute because a node is missing the class_type property.: Node ID '#${id}'`,
            details: '',
            extra_info: {},
          },
          node_errors: {},
        };
      }
      const errors: Array<Record<string, unknown>> = [];
      for (const [name, value] of Object.entries(node.inputs)) {
        if (typeof value === 'string' && value.includes('{{')) {
          errors.push({
            type: 'value_not_valid',
            message: 'Value not valid',
            details: `${name}: unfilled placeholder ${value}`,
            extra_info: { input_name: name },
          });
        }
        if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && !(value[0] in prompt)) {
          errors.push({
            type: 'exception_during_inner_validation',
            message: 'Linked node missing',
            details: `${name} → #${value[0]}`,
            extra_info: { input_name: name },
          });
        }
      }
      if (LOAD_IMAGE.has(node.class_type) && !uploads.has(String(node.inputs.image))) {
        errors.push({
          type: 'custom_validation_failed',
          message: 'Custom validation failed for node',
          details: `image - Invalid image file: ${String(node.inputs.image)}`,
          extra_info: {},
        });
      }
      if (errors.length) nodeErrors[id] = { errors, dependent_outputs: [], class_type: node.class_type };
      if (node.class_type === 'SaveImage') outputs.push(id);
    }
    if (!outputs.length) return { error: { type: 'prompt_no_outputs', message: 'Prompt has no outputs', details: '', extra_info: {} }, node_errors: {} };
    if (Object.keys(nodeErrors).length)
      return {
        error: { type: 'prompt_outputs_failed_validation', message: 'Prompt outputs failed validation', details: '', extra_info: {} },
        node_errors: nodeErrors,
      };
    return { outputs };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x');
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /system_stats') {
      return jsonReply(res, 200, {
        system: {
          os: 'posix',
          ram_total: 67_000_000_000,
          ram_free: 50_000_000_000,
          comfyui_version: '0.3.66',
          python_version: '3.12.3',
          pytorch_version: '2.8.0+cu128',
          embedded_python: false,
          argv: ['main.py', '--listen'],
        },
        devices: [
          {
            name: 'cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync',
            type: 'cuda',
            index: 0,
            vram_total: 25_393_692_672,
            vram_free: 23_000_000_000,
            torch_vram_total: 0,
            torch_vram_free: 0,
          },
        ],
      });
    }
    if (route === 'GET /object_info') {
      const names = options.nodeClasses ?? [
        'CheckpointLoaderSimple',
        'LoadImage',
        'LoadImageMask',
        'CLIPTextEncode',
        'VAEEncodeForInpaint',
        'VAEEncode',
        'SetLatentNoiseMask',
        'VAEDecode',
        'KSampler',
        'SaveImage',
        'EmptyLatentImage',
        'ControlNetLoader',
        'ControlNetApplyAdvanced',
        'Canny',
        'DepthAnythingV2Preprocessor',
        'IPAdapterUnifiedLoader',
        'IPAdapterAdvanced',
        'LoraLoader',
      ];
      return jsonReply(
        res,
        200,
        Object.fromEntries(names.map((n) => [n, { name: n, display_name: n, input: { required: {} }, output: [], category: 'fake' }])),
      );
    }
    if (route === 'POST /upload/image') {
      const body = await readBody(req);
      const form = await new Response(body, { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
      const file = form.get('image');
      if (!file || typeof file === 'string') return res.writeHead(400).end();
      const type = String(form.get('type') ?? 'input');
      const subfolder = String(form.get('subfolder') ?? '');
      let name = file.name || 'image.png';
      // server.py: without overwrite an existing name gets " (1)" appended before the extension.
      if (form.get('overwrite') !== 'true' && form.get('overwrite') !== '1') {
        const dot = name.lastIndexOf('.');
        for (let i = 1; uploads.has(subfolder ? `${subfolder}/${name}` : name); i++) name = `${file.name.slice(0, dot)} (${i})${file.name.slice(dot)}`;
      }
      uploads.set(subfolder ? `${subfolder}/${name}` : name, Buffer.from(await file.arrayBuffer()));
      return jsonReply(res, 200, { name, subfolder, type });
    }
    if (route === 'POST /prompt') {
      let body: { prompt?: Record<string, ApiNode>; client_id?: string; number?: number };
      try {
        body = JSON.parse((await readBody(req)).toString('utf8'));
      } catch {
        return jsonReply(res, 400, { error: { type: 'invalid_prompt', message: 'invalid prompt: bad JSON', details: '', extra_info: {} }, node_errors: {} });
      }
      if (!body.prompt || typeof body.prompt !== 'object') {
        return jsonReply(res, 400, {
          error: { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} },
          node_errors: {},
        });
      }
      const checked = validate(body.prompt);
      if ('error' in checked) return jsonReply(res, 400, checked);
      const id = randomUUID();
      const number = counter++;
      const item: QueueItem = { number, id, prompt: body.prompt, clientId: body.client_id ?? '', outputs: checked.outputs };
      prompts.push({ id, clientId: item.clientId, prompt: body.prompt });
      pending.push(item);
      jsonReply(res, 200, { prompt_id: id, number, node_errors: {} });
      broadcastStatus();
      if (mode === 'queueDelete') {
        setImmediate(() => {
          pending = pending.filter((p) => p.id !== id);
          broadcastStatus();
        });
        return;
      }
      wake?.();
      return;
    }
    const historyMatch = /^\/history\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && historyMatch) {
      const h = history.get(historyMatch[1]!);
      return jsonReply(res, 200, h ? { [historyMatch[1]!]: h } : {});
    }
    if (route === 'GET /view') {
      const key = `${url.searchParams.get('type') ?? 'output'}/${url.searchParams.get('subfolder') ?? ''}/${url.searchParams.get('filename') ?? ''}`;
      const data = outputFiles.get(key);
      if (!data) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': data.length });
      return res.end(data);
    }
    if (route === 'GET /queue') {
      const row = (q: QueueItem) => [q.number, q.id, q.prompt, { client_id: q.clientId }, q.outputs];
      return jsonReply(res, 200, { queue_running: current ? [row(current)] : [], queue_pending: pending.map(row) });
    }
    if (route === 'POST /queue') {
      const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as { delete?: string[]; clear?: boolean };
      if (body.clear) pending = [];
      if (body.delete) {
        deleted.push(...body.delete);
        pending = pending.filter((p) => !body.delete!.includes(p.id));
      }
      res.writeHead(200).end();
      broadcastStatus();
      return;
    }
    if (route === 'POST /interrupt') {
      const text = (await readBody(req)).toString('utf8');
      const body = (text ? JSON.parse(text) : {}) as { prompt_id?: string };
      interrupts.push({ promptId: body.prompt_id ?? null });
      // Newer servers interrupt only the named prompt when it is the one running.
      if (current && (!body.prompt_id || body.prompt_id === current.id)) current.interrupted = true;
      wake?.();
      res.writeHead(200).end();
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('404: Not Found');
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) jsonReply(res, 500, { error: String(err) });
    });
  });
  server.on('connection', (socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
  });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/ws') return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const port = await new Promise<number>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  const url = `http://127.0.0.1:${port}`;

  async function closeAll() {
    for (const ws of clients.values()) ws.terminate();
    clients.clear();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of connections) s.destroy();
    });
  }
  async function listen() {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  // ---- execution (main.py's prompt_worker, one prompt at a time) ----
  let stopped = false;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  async function outputImage(item: QueueItem): Promise<Buffer> {
    const loads = Object.values(item.prompt)
      .filter((n) => n.class_type === 'LoadImage')
      .map((n) => uploads.get(String(n.inputs.image))!);
    const sized = await Promise.all(loads.map(async (b) => ({ b, m: await sharp(b).metadata() })));
    sized.sort((a, b) => b.m.width! * b.m.height! - a.m.width! * a.m.height!);
    const latent = Object.values(item.prompt).find((n) => n.class_type === 'EmptyLatentImage');
    let base: ReturnType<typeof sharp>;
    let width: number;
    let height: number;
    if (latent || !sized.length) {
      width = Number(latent?.inputs.width ?? 512);
      height = Number(latent?.inputs.height ?? 768);
      const tile = sized.at(-1)?.b;
      base = tile
        ? sharp({ create: { width, height, channels: 3, background: '#808080' } }).composite([
            { input: await sharp(tile).resize(128, 128).toBuffer(), tile: true },
          ])
        : sharp({ create: { width, height, channels: 3, background: '#808080' } });
      base = sharp(await base.png().toBuffer());
    } else {
      width = sized[0]!.m.width!;
      height = sized[0]!.m.height!;
      base = sharp(sized[0]!.b);
    }
    let raw = await base.removeAlpha().blur(0.6).raw().toBuffer();
    // Film grain: deterministic, ±3 levels.
    let seed = 12345;
    for (let i = 0; i < raw.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      raw[i] = Math.max(0, Math.min(255, raw[i]! + ((seed >>> 16) % 7) - 3));
    }
    if (mode === 'colorShift') {
      raw = await sharp(raw, { raw: { width, height, channels: 3 } })
        .modulate({ hue: 50, saturation: 1.4, brightness: 1.1 })
        .raw()
        .toBuffer();
    }
    return sharp(raw, { raw: { width, height, channels: 3 } })
      .png({ compressionLevel: 1 })
      .toBuffer();
  }

  async function preview(): Promise<Buffer> {
    const jpeg = await sharp({ create: { width: 32, height: 48, channels: 3, background: '#777777' } })
      .jpeg()
      .toBuffer();
    const header = Buffer.alloc(8);
    header.writeUInt32BE(1, 0); // BinaryEventTypes.PREVIEW_IMAGE
    header.writeUInt32BE(1, 4); // JPEG
    return Buffer.concat([header, jpeg]);
  }

  async function execute(item: QueueItem, gen: number) {
    const run = { ...item, interrupted: false, node: null as string | null };
    current = run;
    const sid = item.clientId;
    const messages: HistoryEntry['status']['messages'] = [];
    const message = (type: string, data: Record<string, unknown>) => {
      messages.push([type, data]);
      send(sid, type, data);
    };
    const alive = () => !stopped && gen === generation;
    const executed: string[] = [];
    const outputs: HistoryEntry['outputs'] = {};
    let status: 'success' | 'error' = 'success';
    message('execution_start', { prompt_id: item.id, timestamp: Date.now() });
    message('execution_cached', { nodes: [], prompt_id: item.id, timestamp: Date.now() });
    const order = Object.keys(item.prompt).sort(
      (a, b) => Number(item.prompt[a]!.class_type === 'SaveImage') - Number(item.prompt[b]!.class_type === 'SaveImage'),
    );
    let dropped = false;
    outer: for (const nodeId of order) {
      const node = item.prompt[nodeId]!;
      run.node = nodeId;
      send(sid, 'executing', { node: nodeId, display_node: nodeId, prompt_id: item.id });
      if (node.class_type === 'KSampler' || node.class_type === 'KSamplerAdvanced') {
        const max = Number(node.inputs.steps) > 0 ? Math.min(Number(node.inputs.steps), options.steps ?? 1000) : (options.steps ?? 8);
        for (let value = 1; value <= max; value++) {
          await sleep(fake.stepMs);
          if (!alive()) return;
          if (run.interrupted) {
            message('execution_interrupted', { prompt_id: item.id, node_id: nodeId, node_type: node.class_type, executed });
            status = 'error';
            break outer;
          }
          send(sid, 'progress', { value, max, prompt_id: item.id, node: nodeId });
          if (value % 4 === 1) clients.get(sid)?.send(await preview());
          if (mode === 'error' && value === 2) {
            message('execution_error', {
              prompt_id: item.id,
              node_id: nodeId,
              node_type: node.class_type,
              executed,
              exception_message: 'CUDA out of memory. Tried to allocate 2.50 GiB. GPU 0 has a total capacity of 23.64 GiB',
              exception_type: 'torch.OutOfMemoryError',
              traceback: ['  File "execution.py", line 496, in execute\n'],
              current_inputs: {},
              current_outputs: {},
            });
            status = 'error';
            break outer;
          }
          if (mode === 'hang' && value === 2) {
            // Stuck in a CUDA call: silent until interrupted (or stopped).
            while (!run.interrupted && alive()) await sleep(1000);
            if (!alive()) return;
            message('execution_interrupted', { prompt_id: item.id, node_id: nodeId, node_type: node.class_type, executed });
            status = 'error';
            break outer;
          }
          if (mode === 'disconnect' && value === Math.ceil(max / 2) && !dropped) {
            dropped = true;
            for (const ws of clients.values()) ws.terminate();
          }
          if (mode === 'restart' && value === Math.ceil(max / 2)) {
            // Comes back healthy: the next prompt runs.
            mode = 'success';
            void fake.restart();
            return;
          }
        }
      }
      if (node.class_type === 'SaveImage') {
        const filename = `${String(node.inputs.filename_prefix ?? 'ComfyUI')}_${String(item.number + 1).padStart(5, '0')}_.png`;
        outputFiles.set(`output//${filename}`, await outputImage(item));
        if (!alive()) return;
        const images = [{ filename, subfolder: '', type: 'output' }];
        outputs[nodeId] = { images };
        send(sid, 'executed', { node: nodeId, display_node: nodeId, output: { images }, prompt_id: item.id });
      }
      executed.push(nodeId);
    }
    if (status === 'success') message('execution_success', { prompt_id: item.id, timestamp: Date.now() });
    history.set(item.id, {
      prompt: [item.number, item.id, item.prompt, { client_id: sid }, item.outputs],
      outputs,
      status: { status_str: status, completed: status === 'success', messages },
      meta: Object.fromEntries(Object.keys(outputs).map((n) => [n, { node_id: n, display_node: n, parent_node: null, real_node_id: n }])),
    });
    current = null;
    send(sid, 'executing', { node: null, prompt_id: item.id });
    broadcastStatus();
  }

  async function worker() {
    while (!stopped) {
      const item = pending.shift();
      if (!item) {
        await sleep(1000);
        continue;
      }
      const gen = generation;
      await execute(item, gen);
      if (gen === generation) current = null;
    }
  }
  void worker();

  const fake: FakeComfyUI = {
    url,
    get mode() {
      return mode;
    },
    set mode(m: FakeComfyMode) {
      mode = m;
    },
    stepMs: options.stepMs ?? 5,
    steps: options.steps ?? 8,
    uploads,
    prompts,
    interrupts,
    deleted,
    busy: () => queueRemaining(),
    running: () => current?.id ?? null,
    sockets: () => clients.size,
    async down() {
      await closeAll();
    },
    async up() {
      await listen();
    },
    async restart() {
      generation++;
      pending = [];
      current = null;
      history.clear();
      uploads.clear();
      outputFiles.clear();
      await closeAll();
      // A moment down, as a real restart is: connections in that window are refused.
      await new Promise((r) => setTimeout(r, 50));
      if (!stopped) await listen();
      wake?.();
    },
    async stop() {
      stopped = true;
      wake?.();
      await closeAll();
      wss.close();
    },
  };
  return fake;
}
