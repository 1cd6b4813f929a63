import { useRef } from 'react';
import { Icon } from './icons.tsx';

/**
 * "Take photo" opens the tablet's rear camera, "Choose photo" its photo library; either hands the
 * picked file on. The inputs are cleared after each pick so the same photo can be picked again.
 */
export function PhotoButtons({
  onChoose,
  labels,
  accept = 'image/*',
  testIds,
  classNames = { take: 'button', choose: 'button' },
  libraryRef,
}: {
  onChoose(file: File): void;
  labels: { take: string; choose: string };
  accept?: string;
  testIds: { take: string; choose: string };
  classNames?: { take: string; choose: string };
  /** For a caller that opens the library from elsewhere too ("choose another photo"). */
  libraryRef?: React.RefObject<HTMLInputElement | null>;
}) {
  const camera = useRef<HTMLInputElement>(null);
  const ownLibrary = useRef<HTMLInputElement>(null);
  const library = libraryRef ?? ownLibrary;
  const picked = (event: React.ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) onChoose(file);
  };
  return (
    <>
      <button type="button" className={classNames.take} onClick={() => camera.current?.click()}>
        <Icon name="camera" /> {labels.take}
      </button>
      <button type="button" className={classNames.choose} onClick={() => library.current?.click()}>
        <Icon name="image" /> {labels.choose}
      </button>
      <input ref={camera} type="file" accept={accept} capture="environment" hidden onChange={picked} data-testid={testIds.take} tabIndex={-1} />
      <input ref={library} type="file" accept={accept} hidden onChange={picked} data-testid={testIds.choose} tabIndex={-1} />
    </>
  );
}
