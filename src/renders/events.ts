import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from 'pino';
import type { RenderStatus } from '../db/schema.ts';

export const RENDER_CHANNEL = 'atelier_render';
/** Raised by triggers on the catalogue tables (migration 0006). */
export const CATALOG_CHANNEL = 'atelier_catalog';
/** Raised by triggers when a session ends or its person changes (migration 0013): `session:<id>`, `user:<id>`, `all`. */
export const SESSION_CHANNEL = 'atelier_session';
/** Raised by triggers when finished renders are removed (migration 0013). */
export const RENDERS_REMOVED_CHANNEL = 'atelier_renders_removed';
/** Emitted after the listener reconnects: notifications sent meanwhile were lost. */
const RESYNC = Symbol('resync');
const CATALOG = Symbol('catalog');
const SESSION = Symbol('session');
const RENDERS_REMOVED = Symbol('renders-removed');

export interface RenderEvent {
  id: string;
  status: RenderStatus;
  progress: number;
  error?: string | null;
}

/**
 * Render progress crosses processes through PostgreSQL LISTEN/NOTIFY: a worker anywhere notifies,
 * every API replica's listener fans the event out to its own SSE subscribers. One connection per
 * process listens, whatever the number of streams; it also carries catalogue changes.
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
      if (msg.channel === CATALOG_CHANNEL) {
        this.emitter.emit(CATALOG);
        return;
      }
      if (msg.channel === SESSION_CHANNEL) {
        this.emitter.emit(SESSION, msg.payload ?? 'all');
        return;
      }
      if (msg.channel === RENDERS_REMOVED_CHANNEL) {
        this.emitter.emit(RENDERS_REMOVED);
        return;
      }
      if (msg.channel !== RENDER_CHANNEL || !msg.payload) return;
      try {
        const event = JSON.parse(msg.payload) as RenderEvent;
        this.emitter.emit(event.id, event);
      } catch {
        this.logger.warn({ payload: msg.payload }, 'unreadable render event');
      }
    });
    let lost = false;
    const onLost = (error?: Error) => {
      if (this.stopped || lost) return;
      lost = true;
      // A lost listener connection would silently freeze every progress bar: reconnect.
      this.logger.warn({ err: error }, 'render event listener lost its connection; reconnecting');
      if (this.client === client) this.client = undefined;
      client.end().catch(() => undefined);
      setTimeout(() => void this.reconnect(), 500);
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    try {
      await client.connect();
      await client.query(`LISTEN ${RENDER_CHANNEL}; LISTEN ${CATALOG_CHANNEL}; LISTEN ${SESSION_CHANNEL}; LISTEN ${RENDERS_REMOVED_CHANNEL}`);
    } catch (error) {
      lost = true; // the caller retries; this client must not schedule a second retry loop
      client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    this.connections++;
  }

  /** How many times the listener has connected (1 after start): for tests and metrics. */
  connections = 0;

  private reconnecting = false;
  private async reconnect(): Promise<void> {
    if (this.reconnecting) return;
    this.reconnecting = true;
    try {
      await this.reconnectLoop();
    } finally {
      this.reconnecting = false;
    }
  }

  private async reconnectLoop(): Promise<void> {
    while (!this.stopped && !this.client) {
      try {
        await this.connect();
        this.logger.info('render event listener reconnected');
        // Whatever was notified while we were away is lost: let subscribers re-read.
        this.emitter.emit(RESYNC);
        this.emitter.emit(CATALOG);
        this.emitter.emit(SESSION, 'all');
        this.emitter.emit(RENDERS_REMOVED);
      } catch {
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  subscribe(renderId: string, listener: (event: RenderEvent) => void): () => void {
    this.emitter.on(renderId, listener);
    return () => this.emitter.off(renderId, listener);
  }

  /** Called after the listener lost and regained its connection (events may have been missed). */
  onResync(listener: () => void): () => void {
    this.emitter.on(RESYNC, listener);
    return () => this.emitter.off(RESYNC, listener);
  }

  /** Called when any process changed the catalogue (or notifications may have been missed). */
  onCatalogChange(listener: () => void): () => void {
    this.emitter.on(CATALOG, listener);
    return () => this.emitter.off(CATALOG, listener);
  }

  /**
   * Called when a session ended or its person changed anywhere (`session:<id>`, `user:<id>`), or with
   * `all` when notifications may have been missed (the listener reconnected).
   */
  onSessionChange(listener: (what: string) => void): () => void {
    this.emitter.on(SESSION, listener);
    return () => this.emitter.off(SESSION, listener);
  }

  /** Called when finished renders were removed anywhere (or notifications may have been missed). */
  onRendersRemoved(listener: () => void): () => void {
    this.emitter.on(RENDERS_REMOVED, listener);
    return () => this.emitter.off(RENDERS_REMOVED, listener);
  }

  /**
   * Whether notifications are reaching this process now. Memories that rely on them for their
   * invalidation (sessions, finished previews) are bypassed while they are not.
   */
  get listening(): boolean {
    return !!this.client && !this.stopped;
  }

  /** Live subscriptions to render events in this process. */
  subscriberCount(): number {
    return this.emitter.eventNames().reduce((n, name) => n + (typeof name === 'string' ? this.emitter.listenerCount(name) : 0), 0);
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

/**
 * Open event streams per client and in all. A stream holds a socket and a subscription for as long
 * as a render runs (or a client keeps it open): without a bound, one client can hold thousands.
 */
export class StreamLimiter {
  private readonly byClient = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly maxPerClient: number,
    private readonly max: number,
  ) {}

  /** A release function, or why the stream is refused. */
  acquire(client: string): { release: () => void } | { refused: 'client' | 'total' } {
    const mine = this.byClient.get(client) ?? 0;
    if (mine >= this.maxPerClient) return { refused: 'client' };
    if (this.total >= this.max) return { refused: 'total' };
    this.byClient.set(client, mine + 1);
    this.total++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        const left = (this.byClient.get(client) ?? 1) - 1;
        if (left > 0) this.byClient.set(client, left);
        else this.byClient.delete(client);
      },
    };
  }

  get open(): number {
    return this.total;
  }
}
