import { useCallback, useEffect, useRef, useState } from 'react';
import { uploadSwatch, type UploadHandle } from '../api/client.ts';
import type { SwatchUpload } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { ClothFraming } from './ClothDialog.tsx';
import { prepareUpload } from './onDeviceCrop.ts';
import { clothProblem, precheckFile, type ClothProblem } from './uploadErrors.ts';

export type Cloth =
  | { status: 'uploading'; progress: number; fileName: string; widthMm?: number }
  /** `resize`: the same cloth at another width (a new swatch: uploads never change). */
  | { status: 'ready'; upload: SwatchUpload; fileName: string; resize(widthMm: number): void }
  | { status: 'failed'; problem: ClothProblem; fileName: string };

/**
 * A cloth the catalogue does not have: chosen (camera or file), framed, uploaded with progress. While
 * it uploads nothing may be generated, and a failure stays on screen until the associate acts.
 */
export function useCloth() {
  const tr = useI18n();
  const trRef = useRef(tr);
  trRef.current = tr;
  const [cloth, setCloth] = useState<Cloth>();
  const [pendingFile, setPendingFile] = useState<File>();
  const upload = useRef<UploadHandle | undefined>(undefined);
  const pendingToken = useRef<symbol | undefined>(undefined);
  useEffect(() => () => upload.current?.abort(), []);

  const choose = useCallback((file: File) => {
    const problem = precheckFile(file, trRef.current);
    if (problem) {
      pendingToken.current = undefined;
      upload.current?.abort();
      setCloth({ status: 'failed', problem, fileName: file.name });
      return;
    }
    setPendingFile(file);
  }, []);

  const cancelDialog = useCallback(() => setPendingFile(undefined), []);

  /** The browser could not even show the photo: it is not an image it (or we) can read. */
  const unreadable = useCallback(() => {
    setPendingFile((file) => {
      if (file) setCloth({ status: 'failed', problem: { message: trRef.current.t('cloth.error.notImage') }, fileName: file.name });
      return undefined;
    });
  }, []);

  /** Sends the photo (no width: the server measures the weave); progress, success and failure land on the chip. */
  const start = useCallback((file: File, crop: ClothFraming['crop'] | undefined, widthMm: number | undefined, fileName: string): void => {
    const handle = uploadSwatch(file, { widthMm, crop }, (progress) =>
      setCloth((c) => (c?.status === 'uploading' && upload.current === handle ? { ...c, progress } : c)),
    );
    upload.current = handle;
    handle.promise.then(
      (result) => {
        if (upload.current !== handle) return;
        const resize = (width: number) => {
          upload.current?.abort();
          setCloth({ status: 'uploading', progress: 0, fileName, widthMm: width });
          // The stored cloth (already found and straightened) is sent back with the width given.
          void fetch(result.url)
            .then((r) => r.blob())
            .then((blob) => start(new File([blob], `${fileName.replace(/\.[^.]*$/, '')}.jpg`, { type: blob.type || 'image/jpeg' }), undefined, width, fileName))
            .catch((error: unknown) => setCloth({ status: 'failed', problem: clothProblem(error, trRef.current), fileName }));
        };
        setCloth({ status: 'ready', upload: result, fileName, resize });
      },
      (error) => {
        if (upload.current !== handle || (error instanceof DOMException && error.name === 'AbortError')) return;
        setCloth({ status: 'failed', problem: clothProblem(error, trRef.current), fileName });
      },
    );
  }, []);

  const confirm = useCallback(
    (framing: ClothFraming) => {
      const file = pendingFile;
      if (!file) return;
      setPendingFile(undefined);
      upload.current?.abort();
      setCloth({ status: 'uploading', progress: 0, fileName: file.name, widthMm: framing.widthMm });
      const token = Symbol('upload');
      pendingToken.current = token;
      void prepareUpload(file, framing.crop).then((prepared) => {
        // Removed, or replaced by another photo, while it was being cut out.
        if (pendingToken.current !== token) return;
        const named =
          prepared.file instanceof File ? prepared.file : new File([prepared.file], `${file.name.replace(/\.[^.]*$/, '')}.jpg`, { type: 'image/jpeg' });
        start(named, prepared.crop, framing.widthMm, file.name);
      });
    },
    [pendingFile, start],
  );

  const remove = useCallback(() => {
    pendingToken.current = undefined;
    upload.current?.abort();
    upload.current = undefined;
    setCloth(undefined);
  }, []);

  return { cloth, pendingFile, choose, cancelDialog, unreadable, confirm, remove };
}
