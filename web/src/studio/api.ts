import { ApiError, request, UnreachableError } from '../api/client.ts';
import { apiStatus } from '../api/status.ts';
import type { Render, RenderBatch, StudioPhoto, StudioRenderOrder } from '../api/types.ts';

export type { StudioPhoto, StudioRenderOrder } from '../api/types.ts';

export interface PhotoUpload {
  promise: Promise<StudioPhoto>;
  abort(): void;
}

/** Sends the client's photo with upload progress (XMLHttpRequest: fetch cannot report it). */
export function uploadStudioPhoto(file: Blob, onProgress: (fraction: number) => void): PhotoUpload {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<StudioPhoto>((resolve, reject) => {
    const form = new FormData();
    form.append('photo', file, (file as File).name || 'photo.jpg');
    xhr.open('POST', '/api/studio/photos');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.min(1, e.loaded / e.total));
    };
    xhr.onload = () => {
      if (xhr.status === 502 || xhr.status === 503 || xhr.status === 504) {
        apiStatus.markDown();
        reject(new UnreachableError());
        return;
      }
      apiStatus.markUp();
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300 && body) {
        onProgress(1);
        resolve(body as StudioPhoto);
      } else {
        const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
        reject(new ApiError(xhr.status, err?.code ?? `http_${xhr.status}`, err?.message ?? `HTTP ${xhr.status}`));
      }
    };
    xhr.onerror = () => {
      apiStatus.markDown();
      reject(new UnreachableError());
    };
    xhr.onabort = () => reject(new DOMException('Upload canceled', 'AbortError'));
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}

export const studioApi = {
  /** The cloth on the photo: a render like any other (queue, events, cache), private to the house. */
  render: async (order: StudioRenderOrder): Promise<Render> => {
    const batch = await request<RenderBatch>('/api/studio/renders', { method: 'POST', body: JSON.stringify(order) });
    return batch.renders[0]!;
  },
  /** Paints over what the mask covers: a new photo to go on editing. */
  fill: (photoId: string, mask: string) => request<StudioPhoto>('/api/studio/fill', { method: 'POST', body: JSON.stringify({ photoId, mask }) }),
  remove: (photoId: string) => request<void>(`/api/studio/photos/${encodeURIComponent(photoId)}`, { method: 'DELETE' }),
};
