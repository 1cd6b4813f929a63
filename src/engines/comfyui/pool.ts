/**
 * The ComfyUI servers of this deployment (COMFYUI_URLS): renders are spread over them in turn, and a
 * server whose /system_stats does not answer is skipped until it does again. The same answers feed
 * /readyz (reachable or not) and the admin health (each server's device, VRAM, version, error).
 */
import { ComfyClient, ComfyError } from './client.ts';
import type { SystemStats } from './protocol.ts';
import type { ComfyuiConfig } from '../../config.ts';

export interface ServerHealth {
  url: string;
  reachable: boolean;
  checkedAt: string;
  /** First device, e.g. "cuda:0 NVIDIA GeForce RTX 4090". */
  device: string | null;
  vramFreeBytes: number | null;
  comfyuiVersion: string | null;
  error: string | null;
}

export class ComfyPool {
  readonly clients: ComfyClient[];
  private next = 0;
  private readonly health = new Map<string, { at: number; health: ServerHealth; pending?: Promise<ServerHealth> }>();

  constructor(private readonly config: Pick<ComfyuiConfig, 'urls' | 'timeouts' | 'retries' | 'backoffMs' | 'healthTtlMs'>) {
    this.clients = config.urls.map((url) => new ComfyClient(url, { timeouts: config.timeouts, retries: config.retries, backoffMs: config.backoffMs }));
  }

  /** A server's health, from the cache while fresh (one request at a time per server). */
  async check(client: ComfyClient, fresh = false): Promise<ServerHealth> {
    const cached = this.health.get(client.url);
    if (cached?.pending) return cached.pending;
    if (cached && !fresh && Date.now() - cached.at < this.config.healthTtlMs) return cached.health;
    // A health probe is one quick request, never the retries a render's requests get.
    const probe = new ComfyClient(client.url, {
      timeouts: { ...this.config.timeouts, requestMs: Math.min(this.config.timeouts.requestMs, 3000) },
      retries: 0,
      backoffMs: 0,
    });
    const pending = probe.systemStats().then(
      (stats: SystemStats): ServerHealth => ({
        url: client.url,
        reachable: true,
        checkedAt: new Date().toISOString(),
        device: stats.devices[0]?.name ?? null,
        vramFreeBytes: stats.devices[0]?.vram_free ?? null,
        comfyuiVersion: (stats.system.comfyui_version as string | undefined) ?? null,
        error: null,
      }),
      (error: unknown): ServerHealth => ({
        url: client.url,
        reachable: false,
        checkedAt: new Date().toISOString(),
        device: null,
        vramFreeBytes: null,
        comfyuiVersion: null,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
    this.health.set(client.url, { at: cached?.at ?? 0, health: cached?.health ?? (undefined as never), pending });
    const health = await pending;
    this.health.set(client.url, { at: Date.now(), health });
    return health;
  }

  /** Remembers that a render could not use this server, so the next ones skip it until it answers again. */
  markDown(client: ComfyClient, error: unknown) {
    this.health.set(client.url, {
      at: Date.now(),
      health: {
        url: client.url,
        reachable: false,
        checkedAt: new Date().toISOString(),
        device: null,
        vramFreeBytes: null,
        comfyuiVersion: null,
        error: error instanceof Error ? error.message : String(error),
      },
    });
  }

  /** The next reachable server in turn, not one of `exclude`; a ComfyError when none answers. */
  async pick(exclude: ReadonlySet<string> = new Set()): Promise<ComfyClient> {
    const n = this.clients.length;
    const start = this.next++ % n;
    const order = Array.from({ length: n }, (_, k) => this.clients[(start + k) % n]!).filter((c) => !exclude.has(c.url));
    // Ask them all at once: the first reachable one in turn wins.
    const healths = await Promise.all(order.map((c) => this.check(c)));
    const i = healths.findIndex((h) => h.reachable);
    if (i >= 0) return order[i]!;
    // The cache may be stale (a server just came back): one fresh look before giving up.
    const fresh = await Promise.all(order.map((c) => this.check(c, true)));
    const j = fresh.findIndex((h) => h.reachable);
    if (j >= 0) return order[j]!;
    const tried = order.length ? order.map((c) => c.url).join(', ') : this.clients.map((c) => c.url).join(', ');
    throw new ComfyError('connection', `no ComfyUI server is reachable (${tried})`, true);
  }

  async status(fresh = false): Promise<ServerHealth[]> {
    return Promise.all(this.clients.map((c) => this.check(c, fresh)));
  }

  async anyReachable(): Promise<boolean> {
    return (await this.status()).some((h) => h.reachable);
  }
}
