import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { RenderStatus } from '../db/schema.ts';

export const RENDER_CHANNEL = 'atelier_render';

export interface RenderEvent {
  id: string;
  status: RenderStatus;
  progress: number;
  error?: string | null;
}

/**
 * Render progress crosses processes through PostgreSQL LISTEN/NOTIFY: a worker anywhere notifies,
 * every API replica's listener fans the event out to its own SSE subscribers.
 */
export class RenderEvents {
  private readonly emitter = new EventEmitter();
  private client?: pg.PoolClient;
  private stopped = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
  ) {
    this.emitter.setMaxListeners(0);
  }

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = await this.pool.connect();
    client.on('notification', (msg) => {
      if (msg.channel !== RENDER_CHANNEL || !msg.payload) return;
      try {
        const event = JSON.parse(msg.payload) as RenderEvent;
        this.emitter.emit(event.id, event);
      } catch {
        this.logger.warn({ payload: msg.payload }, 'unreadable render event');
      }
    });
    client.on('error', (error) => {
      // A lost listener connection would silently freeze every progress bar: reconnect.
      this.logger.warn({ err: error }, 'render event listener lost its connection; reconnecting');
      client.release(true);
      this.client = undefined;
      if (!this.stopped) setTimeout(() => void this.connect().catch(() => undefined), 500);
    });
    await client.query(`LISTEN ${RENDER_CHANNEL}`);
    this.client = client;
  }

  subscribe(renderId: string, listener: (event: RenderEvent) => void): () => void {
    this.emitter.on(renderId, listener);
    return () => this.emitter.off(renderId, listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const client = this.client;
    this.client = undefined;
    if (client) {
      await client.query(`UNLISTEN ${RENDER_CHANNEL}`).catch(() => undefined);
      client.release();
    }
  }
}

/** Publishes through any connection; the payload stays far below NOTIFY's 8000-byte limit. */
export async function publishRenderEvent(pool: Pick<pg.Pool, 'query'>, event: RenderEvent): Promise<void> {
  const payload = JSON.stringify({ ...event, error: event.error ? event.error.slice(0, 500) : event.error });
  await pool.query('SELECT pg_notify($1, $2)', [RENDER_CHANNEL, payload]);
}
