import { EventEmitter } from 'node:events';
import pg from 'pg';
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
  private client?: pg.Client;
  private stopped = false;

  constructor(
    /** A dedicated connection, not a pooled one: it lives as long as the process. */
    private readonly databaseUrl: string,
    private readonly logger: Logger,
  ) {
    this.emitter.setMaxListeners(0);
  }

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
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
      if (this.stopped) return;
      // A lost listener connection would silently freeze every progress bar: reconnect.
      this.logger.warn({ err: error }, 'render event listener lost its connection; reconnecting');
      this.client = undefined;
      client.end().catch(() => undefined);
      setTimeout(() => void this.reconnect(), 500);
    });
    await client.connect();
    await client.query(`LISTEN ${RENDER_CHANNEL}`);
    this.client = client;
  }

  private async reconnect(): Promise<void> {
    while (!this.stopped && !this.client) {
      try {
        await this.connect();
      } catch {
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  subscribe(renderId: string, listener: (event: RenderEvent) => void): () => void {
    this.emitter.on(renderId, listener);
    return () => this.emitter.off(renderId, listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

/** Publishes through any connection; the payload stays far below NOTIFY's 8000-byte limit. */
export async function publishRenderEvent(pool: Pick<pg.Pool, 'query'>, event: RenderEvent): Promise<void> {
  const payload = JSON.stringify({ ...event, error: event.error ? event.error.slice(0, 500) : event.error });
  await pool.query('SELECT pg_notify($1, $2)', [RENDER_CHANNEL, payload]);
}
