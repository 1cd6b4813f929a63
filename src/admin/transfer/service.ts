import { CatalogFormatError } from '../../catalog/catalog-file.ts';
import { AppError } from '../../http/errors.ts';
import type { Runtime } from '../../runtime.ts';
import { recordAudit, type Actor, type AuditEntry } from '../audit/repository.ts';
import { readCatalogFile, toAtelierDocument, toCsv, toLegacyDocument, type CatalogFormat } from './formats.ts';
import { ImportPlanError, planImport, type Change, type ImportMode, type ImportPlan } from './plan.ts';
import { applyChange, loadCatalogState, lockCatalog } from './repository.ts';

/** Changes listed in an answer; the summary always counts them all. */
const LISTED_CHANGES = 500;

export async function exportCatalog(rt: Runtime, format: CatalogFormat, actor: Actor) {
  const state = await loadCatalogState(rt.db);
  const date = new Date().toISOString().slice(0, 10);
  await recordAudit(rt.db, actor, { action: 'catalog.export', entity: 'catalog', after: { format } });
  if (format === 'csv') return { body: toCsv(state), contentType: 'text/csv; charset=utf-8', filename: `atelier-catalog-${date}.csv` };
  const doc = format === 'fabrics' ? toLegacyDocument(state) : toAtelierDocument(state);
  return {
    body: `${JSON.stringify(doc, null, 2)}\n`,
    contentType: 'application/json; charset=utf-8',
    filename: format === 'fabrics' ? 'fabrics.json' : `atelier-catalog-${date}.json`,
  };
}

export interface ImportRequest {
  content: string | object;
  format?: CatalogFormat;
  mode: ImportMode;
  dryRun: boolean;
}

/**
 * Reads and checks the whole file first, then plans against the catalog and, unless this is a dry
 * run, applies the plan in one transaction that also writes the audit entries: all or nothing.
 */
export async function importCatalogFile(rt: Runtime, actor: Actor, request: ImportRequest) {
  let read: ReturnType<typeof readCatalogFile>;
  try {
    read = readCatalogFile(request.content, request.format);
  } catch (error) {
    if (error instanceof CatalogFormatError) throw new AppError(422, 'invalid_catalog', error.message);
    throw error;
  }
  const plan = (state: Parameters<typeof planImport>[0]) => {
    try {
      return planImport(state, read.doc, read.format, request.mode);
    } catch (error) {
      if (error instanceof ImportPlanError) throw new AppError(422, 'invalid_catalog', error.message);
      throw error;
    }
  };
  if (request.dryRun) return describe(plan(await loadCatalogState(rt.db)), true);

  const applied = await rt.db.transaction().execute(async (trx) => {
    await lockCatalog(trx);
    const p = plan(await loadCatalogState(trx));
    const createdFamilies = new Map<string, string>();
    const entries: AuditEntry[] = [];
    for (const change of p.changes) {
      const id = await applyChange(trx, change, createdFamilies);
      entries.push(auditEntryOf(change, id));
    }
    entries.push({ action: 'catalog.import', entity: 'catalog', after: { format: p.format, mode: p.mode, summary: p.summary } });
    await recordAudit(trx, actor, entries);
    return p;
  });
  return describe(applied, false);
}

function auditEntryOf(change: Change, id: string): AuditEntry {
  const action = `${change.entity}.${change.op === 'update' && 'restore' in change && change.restore ? 'restore' : change.op}`;
  const label = change.entity === 'color' ? { family: change.family, slug: change.slug } : { slug: change.slug };
  if (change.op === 'create') return { action, entity: change.entity, entityId: id, after: { ...label, ...change.values } };
  if (change.op === 'archive')
    return { action, entity: change.entity, entityId: id, before: { ...label, archived: false }, after: { ...label, archived: true } };
  const before = Object.fromEntries(Object.entries(change.changes ?? {}).map(([k, v]) => [k, v.before]));
  const after = Object.fromEntries(Object.entries(change.changes ?? {}).map(([k, v]) => [k, v.after]));
  return { action, entity: change.entity, entityId: id, before: { ...label, ...before }, after: { ...label, ...after } };
}

function describe(plan: ImportPlan, dryRun: boolean) {
  return {
    dryRun,
    format: plan.format,
    mode: plan.mode,
    summary: plan.summary,
    changes: plan.changes.slice(0, LISTED_CHANGES).map((c) => ({
      entity: c.entity,
      op: c.op,
      slug: c.slug,
      ...(c.entity === 'color' ? { family: c.family } : {}),
      ...(c.op === 'update' ? { changes: c.changes } : {}),
      ...('restore' in c && c.restore ? { restore: true } : {}),
    })),
    more: Math.max(0, plan.changes.length - LISTED_CHANGES),
  };
}
