import { randomBytes } from 'node:crypto';
import type { Account } from '../auth/roles.ts';
import { findClient, insertClient } from '../clients/repository.ts';
import { AppError } from '../http/errors.ts';
import { listRenderViews } from '../renders/repository.ts';
import { toApiRender } from '../renders/service.ts';
import type { Runtime } from '../runtime.ts';
import { findStudioRenderOwners } from '../studio/repository.ts';
import { findLookByToken, findRenderStatuses, insertLook, listLookRenderIds, listRenderLabels } from './repository.ts';

export { MAX_RENDERS_PER_LOOK } from '../contract/looks.ts';
export const DEFAULT_LOOK_EXPIRY_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** 32 random bytes as base64url (43 characters): the share link is the only key to a look. */
export function newLookToken(): string {
  return randomBytes(32).toString('base64url');
}

export const LOOK_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface NewLook {
  title: string;
  /** The client the look is for: an existing record, or a name that makes a new one. */
  clientId?: string;
  clientName?: string;
  renderIds: string[];
  expiresInDays?: number;
}

/** Saves a look made of finished renders; refuses unknown or unfinished ones, naming them. */
export async function createLook(rt: Runtime, account: Account, input: NewLook, defaultExpiryDays: number) {
  const renderIds = [...new Set(input.renderIds)];
  const found = await findRenderStatuses(rt.db, renderIds);
  // A studio render shows a client's own photo: only its photo's owner (or an admin) may share it.
  const studioOwners = await findStudioRenderOwners(rt.db, renderIds);
  const status = new Map(found.filter((r) => account.role === 'admin' || (studioOwners.get(r.id) ?? account.id) === account.id).map((r) => [r.id, r.status]));
  const unknown = renderIds.filter((id) => !status.has(id));
  if (unknown.length) {
    throw new AppError(422, 'unknown_render', `Unknown render${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, {
      field: 'renderIds',
      renderIds: unknown,
    });
  }
  const unfinished = renderIds.filter((id) => status.get(id) !== 'succeeded');
  if (unfinished.length) {
    throw new AppError(422, 'render_not_ready', `Only finished renders can be saved in a look; not finished: ${unfinished.join(', ')}`, {
      field: 'renderIds',
      renderIds: unfinished,
    });
  }
  const existing = input.clientId ? await findClient(rt.db, input.clientId) : undefined;
  if (input.clientId && !existing) throw new AppError(422, 'unknown_client', `clientId: unknown client "${input.clientId}"`, { field: 'clientId' });
  if (!existing && !input.clientName) {
    throw new AppError(422, 'validation_failed', 'clientId: choose the client this look is for, or give a clientName', { field: 'clientId' });
  }
  const days = input.expiresInDays ?? defaultExpiryDays;
  // A new client and their first look are written together, or not at all.
  const look = await rt.db.transaction().execute(async (trx) => {
    const client = existing ?? (await insertClient(trx, { name: input.clientName!, notes: '', createdBy: account.id }));
    return insertLook(trx, {
      token: newLookToken(),
      title: input.title,
      clientId: client.id,
      clientName: client.name,
      createdBy: account.id,
      expiresAt: new Date(Date.now() + days * DAY_MS),
      renderIds,
    });
  });
  return { look, renderIds };
}

/** A look as its share page shows it; 404 for an unknown link, 410 once it has expired. */
export async function readLook(rt: Runtime, token: string, now = new Date()) {
  const look = LOOK_TOKEN.test(token) ? await findLookByToken(rt.db, token) : undefined;
  if (!look) throw new AppError(404, 'not_found', 'No look has this link; check that it was copied whole');
  if (look.expires_at <= now) {
    throw new AppError(410, 'look_expired', `This look expired on ${look.expires_at.toISOString().slice(0, 10)}; ask your tailor for a new link`, {
      expiredAt: look.expires_at.toISOString(),
    });
  }
  const ids = await listLookRenderIds(rt.db, look.id);
  const [views, labels] = await Promise.all([listRenderViews(rt.db, ids), listRenderLabels(rt.db, ids)]);
  const viewById = new Map(views.map((v) => [v.id, v]));
  const labelById = new Map(labels.map((l) => [l.render_id, l]));
  const renders = ids.flatMap((id) => {
    const view = viewById.get(id);
    const label = labelById.get(id);
    if (!view) return [];
    // A photographed cloth is not the family it was ordered with: never show that family's name.
    const family = view.swatch_upload_id ? 'Photographed cloth' : (label?.family_name ?? view.family_slug);
    return [
      {
        ...toApiRender(rt, view),
        labels: { family, color: view.swatch_upload_id ? null : (label?.color_name ?? null), cut: label?.cut_name ?? view.cut_slug },
      },
    ];
  });
  return { look, renders };
}
