import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Kysely's view of the tables created by src/db/migrations. Keep in step with the SQL. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** numeric columns come back from pg as strings; we write numbers. */
type Numeric = ColumnType<string, number | string, number | string>;
type Json<T> = ColumnType<T, string, string>;

export interface FabricFamilyTable {
  id: Generated<string>;
  slug: string;
  name: string;
  composition: Generated<string>;
  weight_gsm: number | null;
  season: Generated<'all-season' | 'spring-summer' | 'autumn-winter'>;
  description: Generated<string>;
  design: Json<unknown>;
  legacy: Json<unknown> | null;
  active: Generated<boolean>;
  archived_at: Timestamp | null;
  sort: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface FabricColorTable {
  id: Generated<string>;
  family_id: string;
  slug: string;
  name: string;
  hex: string;
  repeat_mm: Numeric | null;
  swatch_key: string | null;
  swatch_width_mm: Numeric | null;
  /** Unique across the catalogue: the replaced API's color_id (migration 0006 assigns it). */
  legacy_id: Generated<string>;
  active: Generated<boolean>;
  archived_at: Timestamp | null;
  sort: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface CutTable {
  id: Generated<string>;
  slug: string;
  name: string;
  legacy_id: string | null;
  active: Generated<boolean>;
  sort: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface CutViewTable {
  id: Generated<string>;
  cut_id: string;
  view: string;
  kind: Generated<'builtin' | 'photo'>;
  base_key: string | null;
  mask_key: string | null;
  version: Generated<string>;
  active: Generated<boolean>;
  sort: Generated<number>;
  created_at: CreatedAt;
}

export interface SwatchUploadTable {
  id: Generated<string>;
  storage_key: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  width: number;
  height: number;
  sha256: string;
  width_mm: ColumnType<string, number | undefined, number>;
  mean_hex: string | null;
  created_at: CreatedAt;
}

export type RenderStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

export interface StoredImage {
  size: 'hd' | 'full' | 'preview' | 'thumb';
  format: 'jpeg' | 'webp' | 'avif';
  key: string;
  width: number;
  height: number;
  bytes: number;
}

export interface RenderTable {
  id: Generated<string>;
  cache_key: string;
  status: Generated<RenderStatus>;
  progress: Generated<number>;
  engine: string;
  engine_version: string;
  family_id: string;
  color_id: string | null;
  swatch_upload_id: string | null;
  /** Null for a studio render (a client's photo re-clothed: studio_photo_id). */
  cut_id: string | null;
  view: string;
  params: Json<Record<string, unknown>>;
  /** A studio render: private to the photo's owner, deleted with the photo. */
  studio_photo_id: ColumnType<string | null, string | null | undefined, string | null>;
  attempts: Generated<number>;
  error: string | null;
  images: ColumnType<StoredImage[], string | undefined, string>;
  request_id: string | null;
  /** The client whose order created it (IP or account), for the per-client queue cap. */
  ordered_by: ColumnType<string | null, string | null | undefined, string | null>;
  worker_id: string | null;
  created_at: CreatedAt;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  duration_ms: number | null;
  /** How it was made beyond its images (the GPU engine's server, settings and fidelity verdict). */
  details: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
}

export interface RenderBatchTable {
  id: Generated<string>;
  source: 'api' | 'legacy';
  request_id: string | null;
  params: Json<Record<string, unknown>>;
  user_id: string | null;
  store: string | null;
  created_at: CreatedAt;
}

export interface RenderBatchItemTable {
  batch_id: string;
  render_id: string;
  position: number;
}

export interface UserTable {
  id: Generated<string>;
  email: string;
  role: 'admin' | 'merchandiser' | 'associate';
  password_hash: string;
  store: string | null;
  disabled_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface WorkerTable {
  id: string;
  hostname: string;
  pid: number;
  engines: string[];
  job_worker_ids: ColumnType<string[], string[] | undefined, string[]>;
  started_at: CreatedAt;
  last_heartbeat_at: Timestamp;
  stopped_at: Timestamp | null;
}

export interface UserSessionTable {
  id: Generated<string>;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
}

export interface AuditLogTable {
  id: ColumnType<string, never, never>;
  at: CreatedAt;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  before: ColumnType<unknown, string | null, never> | null;
  after: ColumnType<unknown, string | null, never> | null;
  request_id: string | null;
}

export interface ClientTable {
  id: Generated<string>;
  name: string;
  notes: Generated<string>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface LoginFailureTable {
  id: Generated<string>;
  account: string;
  client: string;
  failed_at: CreatedAt;
}

/** A client's own photo in the studio (personal data: private, retained STUDIO_RETENTION_DAYS). */
export interface StudioPhotoTable {
  id: Generated<string>;
  owner_id: string;
  store: string | null;
  storage_key: string;
  suggested_mask_key: string;
  width: number;
  height: number;
  sha256: string;
  url_token: string;
  parent_id: string | null;
  created_at: CreatedAt;
}

export interface Database {
  fabric_families: FabricFamilyTable;
  fabric_colors: FabricColorTable;
  cuts: CutTable;
  cut_views: CutViewTable;
  swatch_uploads: SwatchUploadTable;
  renders: RenderTable;
  render_batches: RenderBatchTable;
  render_batch_items: RenderBatchItemTable;
  users: UserTable;
  workers: WorkerTable;
  user_sessions: UserSessionTable;
  audit_log: AuditLogTable;
  login_failures: LoginFailureTable;
  clients: ClientTable;
  studio_photos: StudioPhotoTable;
}

export type FabricFamilyRow = Selectable<FabricFamilyTable>;
export type FabricColorRow = Selectable<FabricColorTable>;
export type CutRow = Selectable<CutTable>;
export type CutViewRow = Selectable<CutViewTable>;
export type RenderRow = Selectable<RenderTable>;
export type NewRender = Insertable<RenderTable>;
export type RenderUpdate = Updateable<RenderTable>;
export type SwatchUploadRow = Selectable<SwatchUploadTable>;
export type UserRow = Selectable<UserTable>;
export type StudioPhotoRow = Selectable<StudioPhotoTable>;
export type UserSessionRow = Selectable<UserSessionTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
