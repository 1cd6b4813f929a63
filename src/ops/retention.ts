import { parseCronItems, type Task } from 'graphile-worker';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { Storage } from '../storage/types.ts';
import { deleteStudioPhotos, findExpiredStudioPhotos, listStudioPhotoFiles } from '../studio/repository.ts';
import { listStoredObjects } from './inventory.ts';
import {
  deleteLooks,
  deleteRenders,
  deleteSwatchUploads,
  findExpiredLooks,
  findRetiredRenders,
  findUnusedSwatchUploads,
  listReferencedKeys,
  listRenderImageKeys,
  listRendersByLastUse,
  studioTableUsable,
  type RetentionExclusions,
} from './repository.ts';

/**
 * Retention: what expires, after how long, removed on a schedule (graphile-worker's crontab in the
 * workers, RETENTION_CRON) or by `atelier retention [--dry-run]`. Each rule has its own setting and 0
 * turns it off. Rows go first, each rule in its own statement; then the files nothing refers to any
 * more (those of the removed rows, and orphans older than RETENTION_ORPHAN_FILES_HOURS). Every removal
 * is logged with its rule; a dry run reports the same list and removes nothing.
 *
 * Studio photos (clients' own photos, src/studio): rows older than STUDIO_RETENTION_DAYS go with
 * every file made from them (suggested and painted masks, the renders made on them, out of any look
 * that held them). On a database without the studio's table the rule reports "not applicable".
 */

/**
 * Where the rows above keep their files. An unreferenced file elsewhere is left alone: it may belong
 * to a feature this code does not know about.
 */
export const ORPHAN_PREFIXES = ['renders/', 'swatches/', 'swatch-tiles/', 'templates/', 'studio/'];

export interface RetentionDeps {
  db: Db;
  storage: Storage;
  config: Pick<Config, 'retention' | 'storage'>;
  logger: Logger;
}

export type RuleName =
  | 'expired_looks'
  | 'failed_renders'
  | 'orphan_renders'
  | 'unused_renders'
  | 'renders_budget'
  | 'studio_photos'
  | 'swatch_uploads'
  | 'files';

export interface RuleResult {
  rule: RuleName;
  /** The setting that governs it, as written in the environment. */
  setting: string;
  status: 'done' | 'off' | 'not_applicable';
  removed: number;
  /** Ids (rows) or keys (files) removed, or that a dry run would remove. */
  items: string[];
  bytes?: number;
}

export interface RetentionReport {
  dryRun: boolean;
  startedAt: string;
  rules: RuleResult[];
}

type Excluded = RetentionExclusions;

/** Keys that rows still refer to, ignoring the rows this run removes; prefixes cover derived swatch tiles. */
async function referencedKeys(db: Db, excluded: Excluded): Promise<{ keys: Set<string>; prefixes: string[] }> {
  const { keys, swatchHashes } = await listReferencedKeys(db, excluded);
  // A swatch upload's seamless tiles are named after its photo's hash (src/admin/catalog/swatches.ts).
  return { keys: new Set(keys), prefixes: swatchHashes.map((sha) => `swatch-tiles/${sha.slice(0, 2)}/${sha}-`) };
}

export async function runRetention(deps: RetentionDeps, options: { dryRun: boolean }): Promise<RetentionReport> {
  const { db, storage, config, logger } = deps;
  const r = config.retention;
  const dryRun = options.dryRun;
  const report: RetentionReport = { dryRun, startedAt: new Date().toISOString(), rules: [] };
  const excluded: Excluded = { renders: [], uploads: [], studio: [] };
  const filesOfRemovedRows = new Set<string>();
  const log = logger.child({ component: 'retention', dryRun });

  const rule = async (name: RuleName, setting: string, value: number, find: () => Promise<string[]>, remove: (ids: string[]) => Promise<void>) => {
    if (value === 0) {
      report.rules.push({ rule: name, setting, status: 'off', removed: 0, items: [] });
      return [];
    }
    const ids = await find();
    if (ids.length && !dryRun) await remove(ids);
    for (const id of ids) log.info({ rule: name, id }, dryRun ? 'would remove' : 'removed');
    report.rules.push({ rule: name, setting, status: 'done', removed: ids.length, items: ids });
    return ids;
  };

  // Looks whose link expired more than N days ago (their renders stay; later rules decide about them).
  await rule(
    'expired_looks',
    `RETENTION_EXPIRED_LOOKS_DAYS=${r.expiredLooksDays}`,
    r.expiredLooksDays,
    () => findExpiredLooks(db, r.expiredLooksDays),
    (ids) => deleteLooks(db, ids),
  );
  // Looks removed in a dry run still hold their renders; a real run has deleted them by now.
  const keptLooks = (ids: string[]) => (dryRun ? ids : []);
  const lookIdsGone = report.rules[0]!.items;

  const removeRenders = (ids: string[]) => deleteRenders(db, ids);
  const renderFiles = async (ids: string[]) => {
    for (const key of await listRenderImageKeys(db, ids)) filesOfRemovedRows.add(key);
  };

  for (const [name, setting, value] of [
    ['failed_renders', `RETENTION_FAILED_RENDERS_DAYS=${r.failedRendersDays}`, r.failedRendersDays],
    // Waiting or running with no queue job behind it: nothing will ever finish it.
    ['orphan_renders', `RETENTION_FAILED_RENDERS_DAYS=${r.failedRendersDays}`, r.failedRendersDays],
    // Finished renders no look shows and nobody ordered for N days (renders are a cache: off by default).
    ['unused_renders', `RETENTION_UNUSED_RENDERS_DAYS=${r.unusedRendersDays}`, r.unusedRendersDays],
  ] as const) {
    const ids = await rule(
      name,
      setting,
      value,
      async () => {
        const found = await findRetiredRenders(db, name, value, keptLooks(lookIdsGone), excluded.renders);
        await renderFiles(found);
        return found;
      },
      removeRenders,
    );
    excluded.renders.push(...ids);
  }

  // The disk budget: while the images of the renders that remain weigh more than
  // RETENTION_RENDERS_MAX_BYTES, the least recently used finished render no (kept) look shows goes.
  // Looks' renders count towards the total but are never removed; renders in flight are left alone.
  let budgetFreed = 0;
  const overBudget = await rule(
    'renders_budget',
    `RETENTION_RENDERS_MAX_BYTES=${r.rendersMaxBytes}`,
    r.rendersMaxBytes,
    async () => {
      const sizes = new Map((await listStoredObjects(config.storage)).map((o) => [o.key, o.size]));
      const rows = await listRendersByLastUse(db, keptLooks(lookIdsGone), excluded.renders);
      const bytesOf = (keys: string[]) => keys.reduce((n, k) => n + (sizes.get(k) ?? 0), 0);
      let total = rows.reduce((n, row) => n + bytesOf(row.keys), 0);
      const found: string[] = [];
      for (const row of rows) {
        if (total <= r.rendersMaxBytes) break;
        if (!row.removable) continue;
        found.push(row.id);
        total -= bytesOf(row.keys);
        budgetFreed += bytesOf(row.keys);
      }
      await renderFiles(found);
      return found;
    },
    removeRenders,
  );
  excluded.renders.push(...overBudget);
  if (r.rendersMaxBytes > 0) report.rules.at(-1)!.bytes = budgetFreed;

  if (r.studioPhotosDays > 0 && !(await studioTableUsable(db))) {
    report.rules.push({ rule: 'studio_photos', setting: `STUDIO_RETENTION_DAYS=${r.studioPhotosDays}`, status: 'not_applicable', removed: 0, items: [] });
  } else {
    excluded.studio = await rule(
      'studio_photos',
      `STUDIO_RETENTION_DAYS=${r.studioPhotosDays}`,
      r.studioPhotosDays,
      async () => {
        const ids = await findExpiredStudioPhotos(db, r.studioPhotosDays);
        for (const key of await listStudioPhotoFiles(db, ids)) filesOfRemovedRows.add(key);
        return ids;
      },
      async (ids) => {
        await db.transaction().execute((trx) => deleteStudioPhotos(trx, ids));
      },
    );
  }

  // Photos of cloth that no render and no catalogue colour uses, older than N days.
  excluded.uploads = await rule(
    'swatch_uploads',
    `RETENTION_SWATCH_UPLOADS_DAYS=${r.swatchUploadsDays}`,
    r.swatchUploadsDays,
    async () => {
      const rows = await findUnusedSwatchUploads(db, r.swatchUploadsDays, excluded.renders);
      for (const x of rows) filesOfRemovedRows.add(x.key);
      return rows.map((x) => x.id);
    },
    (ids) => deleteSwatchUploads(db, ids),
  );

  // Files: those of removed rows, and orphans old enough not to belong to a write in flight.
  const referenced = await referencedKeys(db, excluded);
  const isReferenced = (key: string) => referenced.keys.has(key) || referenced.prefixes.some((p) => key.startsWith(p));
  const objects = await listStoredObjects(config.storage);
  const cutoff = Date.now() - r.orphanFilesHours * 3600_000;
  const doomed = objects.filter(
    (o) =>
      !isReferenced(o.key) &&
      (filesOfRemovedRows.has(o.key) || (r.orphanFilesHours > 0 && o.modifiedAt.getTime() < cutoff && ORPHAN_PREFIXES.some((p) => o.key.startsWith(p)))),
  );
  let bytes = 0;
  const removedKeys: string[] = [];
  for (const o of doomed) {
    if (!dryRun) await storage.delete(o.key);
    bytes += o.size;
    removedKeys.push(o.key);
    log.info({ rule: 'files', key: o.key, bytes: o.size, orphan: !filesOfRemovedRows.has(o.key) }, dryRun ? 'would remove' : 'removed');
  }
  report.rules.push({
    rule: 'files',
    setting: `RETENTION_ORPHAN_FILES_HOURS=${r.orphanFilesHours}`,
    status: 'done',
    removed: removedKeys.length,
    items: removedKeys,
    bytes,
  });

  log.info({ removed: Object.fromEntries(report.rules.map((x) => [x.rule, x.removed])) }, dryRun ? 'retention dry run finished' : 'retention finished');
  return report;
}

export function formatRetentionReport(report: RetentionReport, dryRun: boolean): string {
  const lines = [dryRun ? 'Retention dry run: nothing was removed.' : 'Retention:'];
  for (const r of report.rules) {
    const what =
      r.status === 'off'
        ? 'off'
        : r.status === 'not_applicable'
          ? 'not applicable (no studio_photos table yet)'
          : `${dryRun ? 'would remove' : 'removed'} ${r.removed}${r.bytes !== undefined ? ` (${r.bytes} bytes)` : ''}`;
    lines.push(`  ${r.rule.padEnd(16)} ${what.padEnd(40)} ${r.setting}`);
    for (const item of r.items.slice(0, 20)) lines.push(`      ${item}`);
    if (r.items.length > 20) lines.push(`      … and ${r.items.length - 20} more`);
  }
  return lines.join('\n');
}

/** The crontab job the workers run (one of them, once, at RETENTION_CRON). */
export function createRetentionTask(deps: RetentionDeps): Task {
  return async () => {
    await runRetention(deps, { dryRun: false });
  };
}

export const RETENTION_TASK = 'retention';

/** graphile-worker's crontab entry: no backfill (a missed night is simply run at the next one). */
export function retentionCronItems(config: Pick<Config, 'retention'>) {
  if (!config.retention.enabled) return [];
  return parseCronItems([
    { task: RETENTION_TASK, match: config.retention.cron, identifier: 'atelier-retention', options: { backfillPeriod: 0, maxAttempts: 1 } },
  ]);
}
