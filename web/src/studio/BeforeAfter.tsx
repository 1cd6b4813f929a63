import { useId, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';

/**
 * The client's photo and the same photo in the new cloth, one over the other: dragging the handle
 * (or the slider, by keyboard) uncovers one or the other.
 */
export function BeforeAfter({ beforeUrl, afterUrl, width, height }: { beforeUrl: string; afterUrl: string; width: number; height: number }) {
  const { t, percent } = useI18n();
  const [split, setSplit] = useState(0.5);
  const box = useRef<HTMLDivElement>(null);
  const id = useId();
  const dragging = useRef(false);
  const follow = (clientX: number) => {
    const rect = box.current?.getBoundingClientRect();
    if (!rect || rect.width === 0) return;
    setSplit(Math.min(1, Math.max(0, (clientX - rect.left) / rect.width)));
  };
  return (
    <div className="before-after">
      <div
        ref={box}
        className="before-after__frame"
        style={{ aspectRatio: `${width} / ${height}` }}
        onPointerDown={(e) => {
          dragging.current = true;
          e.currentTarget.setPointerCapture(e.pointerId);
          follow(e.clientX);
        }}
        onPointerMove={(e) => dragging.current && follow(e.clientX)}
        onPointerUp={() => (dragging.current = false)}
        onPointerCancel={() => (dragging.current = false)}
      >
        <img src={afterUrl} alt={t('studio.result.afterAlt')} draggable={false} data-testid="studio-result-image" />
        <img
          className="before-after__before"
          src={beforeUrl}
          alt={t('studio.result.beforeAlt')}
          draggable={false}
          style={{ clipPath: `inset(0 ${(1 - split) * 100}% 0 0)` }}
        />
        <span className="before-after__handle" style={{ left: `${split * 100}%` }} aria-hidden="true" />
        <span className="before-after__tag before-after__tag--before" aria-hidden="true">
          {t('studio.result.before')}
        </span>
        <span className="before-after__tag before-after__tag--after" aria-hidden="true">
          {t('studio.result.after')}
        </span>
      </div>
      <label className="visually-hidden" htmlFor={id}>
        {t('studio.result.compare')}
      </label>
      <input
        id={id}
        className="before-after__range"
        type="range"
        min={0}
        max={100}
        value={Math.round(split * 100)}
        onChange={(e) => setSplit(Number(e.target.value) / 100)}
        aria-valuetext={percent(split)}
        data-testid="before-after"
      />
    </div>
  );
}
