import { request, type UploadHandle, uploadWithProgress } from '../api/client.ts';
import type { Render, RenderBatch, StudioMaskAhead, StudioMaskAheadAnswer, StudioPhoto, StudioRenderOrder } from '../api/types.ts';

export type { StudioPhoto, StudioRenderOrder } from '../api/types.ts';

export type PhotoUpload = UploadHandle<StudioPhoto>;

/** Sends the client's photo with upload progress. */
export function uploadStudioPhoto(file: Blob, onProgress: (fraction: number) => void): PhotoUpload {
  const form = new FormData();
  form.append('photo', file, (file as File).name || 'photo.jpg');
  return uploadWithProgress<StudioPhoto>('/api/studio/photos', form, onProgress);
}

export const studioApi = {
  /** The cloth on the photo: a render like any other (queue, events, cache), private to the house. */
  render: async (order: StudioRenderOrder): Promise<Render> => {
    const batch = await request<RenderBatch>('/api/studio/renders', { method: 'POST', body: JSON.stringify(order) });
    return batch.renders[0]!;
  },
  /**
   * The garment mask as painted so far, sent while the associate pauses: the server prepares its
   * template then, so that "apply" with the same mask costs only the cloth.
   */
  sendMaskAhead: (photoId: string, ahead: StudioMaskAhead, signal?: AbortSignal) =>
    request<StudioMaskAheadAnswer>(`/api/studio/photos/${encodeURIComponent(photoId)}/mask`, { method: 'PUT', body: JSON.stringify(ahead), signal }),
  /** Paints over what the mask covers: a new photo to go on editing. */
  fill: (photoId: string, mask: string) => request<StudioPhoto>('/api/studio/fill', { method: 'POST', body: JSON.stringify({ photoId, mask }) }),
  remove: (photoId: string) => request<void>(`/api/studio/photos/${encodeURIComponent(photoId)}`, { method: 'DELETE' }),
};
