import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { isAbort } from '../api/client.ts';
import { imageOf, type FabricFamily, type Render } from '../api/types.ts';
import { watchRender } from '../api/watch.ts';
import { colorName } from '../i18n/glossary.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { ClothSection, ColorPicker } from '../stylist/FittingPanel.tsx';
import { ClothDialog } from '../swatch/ClothDialog.tsx';
import { useCloth } from '../swatch/useCloth.ts';
import { Dialog } from '../ui/Dialog.tsx';
import { Icon, type IconName } from '../ui/icons.tsx';
import { PhotoButtons } from '../ui/PhotoButtons.tsx';
import { studioApi, uploadStudioPhoto, type PhotoUpload, type StudioPhoto } from './api.ts';
import { BeforeAfter } from './BeforeAfter.tsx';
import { MaskDoc } from './doc.ts';
import { studioProblem, type StudioProblem } from './errors.ts';
import { MaskEditor, TINTS, type Tool } from './MaskEditor.tsx';
import { foundGarment } from './mask.ts';
import { loadMask, maskToPngDataUrl } from './pixels.ts';
import { scaleFromLength, scaleToSlider, sliderToScale } from './scale.ts';
import type { Point } from './view.ts';
import './studio.css';

type Mode = 'garment' | 'fill';

/** Pause in the garment mask's editing after which it is sent ahead (its template prepared meanwhile). */
const MASK_AHEAD_IDLE_MS = 500;

type Upload = { status: 'uploading'; progress: number } | { status: 'failed'; problem: StudioProblem };

type Job = { status: 'working'; progress: number } | { status: 'done'; render: Render; beforeUrl: string } | { status: 'failed'; problem: StudioProblem };

/**
 * The client photo studio: the associate photographs the client, corrects the suggested garment
 * mask, and puts the chosen cloth on the client's own photo; or paints something away (a logo, a
 * strap). Client photos are private: they can be deleted from here at once.
 */
export function StudioPanel({
  families,
  onResult,
  onOpen,
  onSaveLook,
}: {
  families: FabricFamily[];
  /** A finished render: it joins the session's gallery like any other. */
  onResult(render: Render): void;
  onOpen(render: Render): void;
  onSaveLook(renders: Render[]): void;
}) {
  const tr = useI18n();
  const { t } = tr;
  const [photo, setPhoto] = useState<StudioPhoto>();
  /** Every photo of this client in this sitting (fills make new ones): all go when the photo is deleted. */
  const chain = useRef<string[]>([]);
  const [upload, setUpload] = useState<Upload>();
  const handle = useRef<PhotoUpload | undefined>(undefined);
  useEffect(() => () => handle.current?.abort(), []);

  const choose = (file: File) => {
    handle.current?.abort();
    if (file.size === 0 || (file.type && !file.type.startsWith('image/'))) {
      setUpload({ status: 'failed', problem: { message: t('studio.error.notImage') } });
      return;
    }
    setUpload({ status: 'uploading', progress: 0 });
    const h = uploadStudioPhoto(file, (progress) =>
      setUpload((u) => (u?.status === 'uploading' && handle.current === h ? { status: 'uploading', progress } : u)),
    );
    handle.current = h;
    h.promise.then(
      (result) => {
        if (handle.current !== h) return;
        chain.current = [result.id];
        setUpload(undefined);
        setPhoto(result);
      },
      (error) => {
        if (handle.current !== h || isAbort(error)) return;
        setUpload({ status: 'failed', problem: studioProblem(error, tr) });
      },
    );
  };

  if (!photo) return <PhotoStep upload={upload} onChoose={choose} onCancel={() => (handle.current?.abort(), setUpload(undefined))} />;
  return (
    <Workspace
      key={chain.current[0]}
      photo={photo}
      families={families}
      onPhoto={(next) => {
        chain.current.push(next.id);
        setPhoto(next);
      }}
      chain={chain.current}
      onClosed={() => {
        chain.current = [];
        setPhoto(undefined);
      }}
      onResult={onResult}
      onOpen={onOpen}
      onSaveLook={onSaveLook}
    />
  );
}

function PhotoPickers({ onChoose, quiet }: { onChoose(file: File): void; quiet?: boolean }) {
  const { t } = useI18n();
  return (
    <div className="pstudio__pickers">
      <PhotoButtons
        onChoose={onChoose}
        labels={{ take: t('studio.take'), choose: t('studio.choose') }}
        accept="image/jpeg,image/png,image/webp,image/heic,image/heif,image/*"
        testIds={{ take: 'studio-take', choose: 'studio-choose' }}
        classNames={quiet ? { take: 'button', choose: 'button' } : { take: 'button button--primary pstudio__big', choose: 'button pstudio__big' }}
      />
    </div>
  );
}

function PhotoStep({ upload, onChoose, onCancel }: { upload?: Upload; onChoose(file: File): void; onCancel(): void }) {
  const tr = useI18n();
  const { t } = tr;
  const [dragging, setDragging] = useState(false);
  return (
    <section
      className={`pstudio-start${dragging ? ' pstudio-start--drop' : ''}`}
      aria-labelledby="pstudio-title"
      data-testid="studio-start"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        const file = e.dataTransfer.files[0];
        if (file) onChoose(file);
      }}
    >
      <div className="pstudio-start__art" aria-hidden="true">
        <Icon name="garment" size={56} />
      </div>
      <p className="pstudio-start__eyebrow">{t('studio.eyebrow')}</p>
      <h2 id="pstudio-title" className="pstudio-start__title">
        {t('studio.title')}
      </h2>
      <p className="pstudio-start__lead">{t('studio.lead')}</p>
      <ol className="pstudio-start__steps">
        <li>{t('studio.step1')}</li>
        <li>{t('studio.step2')}</li>
        <li>{t('studio.step3')}</li>
      </ol>
      {upload?.status === 'uploading' ? (
        <div className="pstudio-start__upload" role="status" data-testid="studio-uploading">
          <span>{t('studio.uploading', { percent: tr.percent(upload.progress) })}</span>
          <div
            className="progress"
            role="progressbar"
            aria-label={t('studio.uploadProgress')}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(upload.progress * 100)}
          >
            <span style={{ width: `${upload.progress * 100}%` }} />
          </div>
          <button type="button" className="button button--quiet" onClick={onCancel}>
            {t('action.cancel')}
          </button>
        </div>
      ) : (
        <PhotoPickers onChoose={onChoose} />
      )}
      {upload?.status === 'failed' && (
        <div className="notice notice--error pstudio-start__error" role="alert" data-testid="studio-error">
          <p>{upload.problem.message}</p>
          {upload.problem.detail && <p className="notice__detail">{upload.problem.detail}</p>}
        </div>
      )}
      <p className="pstudio-start__privacy">
        <Icon name="lock" size={16} /> {t('studio.privacy')}
      </p>
    </section>
  );
}

const TOOLS: Array<{ id: Tool; icon: IconName }> = [
  { id: 'brush', icon: 'brush' },
  { id: 'eraser', icon: 'eraser' },
  { id: 'wand', icon: 'wand' },
  { id: 'pan', icon: 'hand' },
];

function Workspace({
  photo,
  families,
  chain,
  onPhoto,
  onClosed,
  onResult,
  onOpen,
  onSaveLook,
}: {
  photo: StudioPhoto;
  families: FabricFamily[];
  chain: string[];
  onPhoto(next: StudioPhoto): void;
  onClosed(): void;
  onResult(render: Render): void;
  onOpen(render: Render): void;
  onSaveLook(renders: Render[]): void;
}) {
  const tr = useI18n();
  const { t } = tr;
  const [mode, setMode] = useState<Mode>('garment');
  const [tool, setTool] = useState<Tool>('brush');
  const [brushSize, setBrushSize] = useState(36);
  const [tolerance, setTolerance] = useState(12);
  const [opacity, setOpacity] = useState(0.45);
  const [busy, setBusy] = useState(false);
  const [, setVersion] = useState(0);
  // One mask for the garment, one for what to erase; both the photo's size (a fill keeps the size).
  const garment = useMemo(() => new MaskDoc(photo.width, photo.height), [photo.width, photo.height]);
  const fill = useMemo(() => new MaskDoc(photo.width, photo.height), [photo.width, photo.height]);
  const doc = mode === 'garment' ? garment : fill;
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    const a = garment.subscribe(bump);
    const b = fill.subscribe(bump);
    return () => {
      a();
      b();
    };
  }, [garment, fill]);

  // The garment mask is sent ahead when the associate pauses (MASK_AHEAD_IDLE_MS after the last
  // stroke, undo, invert or clear): the server prepares its template meanwhile, and "apply" with
  // the same mask then costs only the cloth. Apply reuses the PNG sent if nothing changed since.
  // Counted from the time the editor opened, so that the count only grows for the photo across
  // reloads: the server keeps the mask with the highest count, whatever order the requests arrive in.
  const edits = useRef(Date.now());
  const ahead = useRef<{ edits: number; mask: Promise<string>; photoId: string } | undefined>(undefined);
  const [aheadState, setAheadState] = useState<'idle' | 'waiting' | 'sending' | 'sent' | 'failed'>('idle');
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const controller = new AbortController();
    const send = () => {
      timer = undefined;
      // Still painting: wait for the stroke to end.
      if (garment.painting) {
        timer = setTimeout(send, MASK_AHEAD_IDLE_MS);
        return;
      }
      if (garment.isEmpty()) return setAheadState('idle');
      const at = edits.current;
      const mask = maskToPngDataUrl(garment.mask);
      ahead.current = { edits: at, mask, photoId: photo.id };
      setAheadState('sending');
      mask
        .then((png) => studioApi.sendMaskAhead(photo.id, { mask: png, edit: at }, controller.signal))
        .then(
          () => edits.current === at && setAheadState('sent'),
          // Best effort: apply sends the mask anyway.
          (error) => !isAbort(error) && edits.current === at && setAheadState('failed'),
        );
    };
    const changed = () => {
      edits.current++;
      setAheadState('waiting');
      if (timer) clearTimeout(timer);
      timer = setTimeout(send, MASK_AHEAD_IDLE_MS);
    };
    const off = garment.subscribe(changed);
    return () => {
      off();
      if (timer) clearTimeout(timer);
      controller.abort();
    };
  }, [garment, photo.id]);

  const rootRef = useRef<HTMLDivElement>(null);
  // A keyboard beside the tablet (or a desktop): ⌘/Ctrl+Z undo, with Shift redo; B E W M tools; [ ] brush size.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, dialog')) return;
      // Mounted but out of sight (another tab): the keys are not ours.
      if (!rootRef.current || rootRef.current.closest('[hidden]')) return;
      const key = e.key.toLowerCase();
      if ((e.metaKey || e.ctrlKey) && key === 'z') {
        e.preventDefault();
        if (e.shiftKey) doc.redo();
        else doc.undo();
        return;
      }
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      const tools: Record<string, Tool> = { b: 'brush', e: 'eraser', w: 'wand', m: 'pan' };
      if (tools[key]) setTool(tools[key]);
      else if (e.key === '[') setBrushSize((v) => Math.max(4, Math.round(v / 1.25)));
      else if (e.key === ']') setBrushSize((v) => Math.min(160, Math.round(v * 1.25)));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [doc]);

  // The suggested mask, at once: the associate corrects it rather than starting from nothing.
  const [suggestion, setSuggestion] = useState<'loading' | 'ready' | 'none' | 'failed'>('loading');
  const firstPhoto = useRef(photo.id);
  useEffect(() => {
    if (photo.id !== firstPhoto.current) return;
    let live = true;
    loadMask(photo.suggestedMaskUrl, photo.width, photo.height).then(
      (mask) => {
        if (!live) return;
        // Specks are no outline to correct: the associate starts from a clean photo.
        if (!foundGarment(mask)) return setSuggestion('none');
        garment.load(mask.data);
        setSuggestion('ready');
      },
      () => live && setSuggestion('failed'),
    );
    return () => {
      live = false;
    };
  }, [photo, garment]);

  // Cloth: a catalogue family and colour, or a photographed cloth.
  const cloth = useCloth();
  const [source, setSource] = useState<'catalog' | 'cloth'>('catalog');
  const [familyId, setFamilyId] = useState(families[0]?.id);
  const family = families.find((f) => f.id === familyId) ?? families[0];
  const [chosenColor, setColorId] = useState<string>();
  // The family's first colour until one is chosen (the catalogue may arrive after the studio opens).
  const colorId = family?.colors.some((c) => c.id === chosenColor) ? chosenColor : family?.colors[0]?.id;
  const clothActive = source === 'cloth' && cloth.cloth?.status === 'ready';

  const [scale, setScale] = useState<number | undefined>(undefined);
  const [measuring, setMeasuring] = useState<{ points: Point[]; lengthCm: string } | undefined>(undefined);
  const measuredScale =
    measuring && measuring.points.length === 2
      ? scaleFromLength(measuring.points[0]!, measuring.points[1]!, Number(measuring.lengthCm.replace(',', '.')) * 10)
      : undefined;

  const [job, setJob] = useState<Job>();
  const [results, setResults] = useState<Render[]>([]);
  /** The finished render fills the main area (before/after) until the associate goes back to the outline. */
  const [showResult, setShowResult] = useState(false);
  const resultRef = useRef<HTMLElement>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // On a portrait tablet Apply sits below the photo: bring the result up to where the photo was.
    if (showResult) resultRef.current?.scrollIntoView?.({ behavior: 'smooth', block: 'start' });
  }, [showResult]);
  const abort = useRef<AbortController | undefined>(undefined);
  useEffect(() => () => abort.current?.abort(), []);

  let applyBlocked: string | undefined;
  if (garment.isEmpty()) applyBlocked = t('studio.apply.paintFirst');
  else if (source === 'cloth' && cloth.cloth?.status === 'uploading') applyBlocked = t('generate.waitUpload');
  else if (source === 'cloth' && cloth.cloth?.status !== 'ready') applyBlocked = t('studio.apply.chooseCloth');
  else if (!family) applyBlocked = t('generate.chooseFabric');

  const apply = async () => {
    if (applyBlocked || !family) return;
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setJob({ status: 'working', progress: 0 });
    const beforeUrl = photo.photoUrl;
    try {
      const sent = ahead.current;
      const mask =
        sent && sent.edits === edits.current && sent.photoId === photo.id
          ? await sent.mask.catch(() => maskToPngDataUrl(garment.mask))
          : await maskToPngDataUrl(garment.mask);
      const fabric = clothActive && cloth.cloth?.status === 'ready' ? { swatchUploadId: cloth.cloth.upload.id } : { color: colorId };
      const render = await studioApi.render({ photoId: photo.id, mask, family: family.id, ...fabric, ...(scale ? { scale } : {}) });
      const final = await watchRender(render.id, {
        signal: controller.signal,
        onUpdate: (u) => setJob((j) => (j?.status === 'working' ? { status: 'working', progress: u.progress } : j)),
      });
      if (final.status !== 'succeeded') {
        setJob({ status: 'failed', problem: { message: t('studio.apply.failed'), detail: final.error ?? undefined } });
        return;
      }
      setJob({ status: 'done', render: final, beforeUrl });
      setShowResult(true);
      setResults((list) => [final, ...list]);
      onResult(final);
    } catch (error) {
      if (isAbort(error)) return;
      setJob({ status: 'failed', problem: studioProblem(error, tr, 'studio.apply.failed') });
    }
  };

  const [filling, setFilling] = useState<{ status: 'working' } | { status: 'failed'; problem: StudioProblem }>();
  const erase = async () => {
    if (fill.isEmpty()) return;
    setFilling({ status: 'working' });
    try {
      const mask = await maskToPngDataUrl(fill.mask);
      const next = await studioApi.fill(photo.id, mask);
      fill.clear();
      fill.history.reset();
      setFilling(undefined);
      onPhoto(next);
    } catch (error) {
      setFilling({ status: 'failed', problem: studioProblem(error, tr, 'studio.fill.failed') });
    }
  };

  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleting, setDeleting] = useState<{ status: 'working' } | { status: 'failed'; problem: StudioProblem }>();
  const deletePhoto = async () => {
    setDeleting({ status: 'working' });
    try {
      // Every version of the photo this sitting made (fills), newest first; one already gone is fine.
      for (const id of [...chain].reverse()) {
        await studioApi.remove(id).catch((error: unknown) => {
          if (!(error instanceof Error && 'status' in error && (error as { status: number }).status === 404)) throw error;
        });
      }
      setConfirmDelete(false);
      onClosed();
    } catch (error) {
      setDeleting({ status: 'failed', problem: studioProblem(error, tr, 'studio.delete.failed') });
    }
  };

  const sizeId = useId();
  const tolId = useId();
  const opacityId = useId();
  const scaleId = useId();
  const modeName = useId();
  const doneJob = job?.status === 'done' ? job : undefined;
  const resultUrl = doneJob ? (imageOf(doneJob.render, 'full')?.url ?? imageOf(doneJob.render, 'preview')?.url) : undefined;

  const toolLabel: Record<Tool, string> = {
    brush: t('studio.tool.brush'),
    eraser: t('studio.tool.eraser'),
    wand: t('studio.tool.wand'),
    pan: t('studio.tool.pan'),
    measure: t('studio.scale.measure'),
  };
  const editorTool: Tool = measuring ? 'measure' : tool;

  return (
    <div className="pstudio" data-testid="photo-studio" data-photo={photo.id} data-mask-ahead={aheadState} ref={rootRef}>
      <div className="pstudio__main">
        <div className="pstudio__bar">
          <div className="pstudio__modes" role="radiogroup" aria-label={t('studio.mode.label')}>
            {(['garment', 'fill'] as const).map((m) => (
              <button
                key={m}
                type="button"
                role="radio"
                name={modeName}
                aria-checked={mode === m}
                className={`pstudio__mode${mode === m ? ' pstudio__mode--on' : ''}`}
                onClick={() => {
                  setMode(m);
                  setMeasuring(undefined);
                  setShowResult(false);
                }}
                data-mode={m}
              >
                <Icon name={m === 'garment' ? 'garment' : 'sparkle'} />
                {t(m === 'garment' ? 'studio.mode.garment' : 'studio.mode.fill')}
              </button>
            ))}
          </div>
          <p className="pstudio__status" role="status" data-testid="mask-status" data-suggestion={suggestion}>
            {mode === 'fill'
              ? t('studio.fill.hint')
              : suggestion === 'loading'
                ? t('studio.suggestion.loading')
                : suggestion === 'failed'
                  ? t('studio.suggestion.failed')
                  : suggestion === 'none'
                    ? t('studio.suggestion.none')
                    : t('studio.suggestion.ready')}
          </p>
        </div>

        {showResult && doneJob && resultUrl && (
          <section className="pstudio__result" aria-labelledby="pstudio-result" data-testid="studio-result" ref={resultRef}>
            <div className="pstudio__canvas pstudio__canvas--result">
              <BeforeAfter beforeUrl={doneJob.beforeUrl} afterUrl={resultUrl} width={photo.width} height={photo.height} />
            </div>
            <div className="pstudio__resultbar">
              <div className="pstudio__result-text">
                <h3 id="pstudio-result" className="pstudio__result-title">
                  {t('studio.result.title')}
                </h3>
                <span className="hint">{clothLabel(doneJob.render, families, tr.locale, t('cloth.photographed'))}</span>
              </div>
              <div className="pstudio__row">
                <button type="button" className="button button--small" onClick={() => setShowResult(false)} data-testid="studio-back">
                  <Icon name="brush" /> {t('studio.result.back')}
                </button>
                <button type="button" className="button button--small" onClick={() => onOpen(doneJob.render)}>
                  {t('studio.result.open')}
                </button>
                <button type="button" className="button button--small button--primary" onClick={() => onSaveLook(results)} data-testid="studio-save-look">
                  {t('looks.saveAction')}
                </button>
              </div>
            </div>
          </section>
        )}
        <div className="pstudio__editing" hidden={showResult && !!resultUrl}>
          <div className="pstudio__canvas" ref={canvasRef}>
            <MaskEditor
              key={photo.id}
              photoUrl={photo.photoUrl}
              width={photo.width}
              height={photo.height}
              doc={doc}
              tool={editorTool}
              brushSize={brushSize}
              tolerance={tolerance}
              opacity={opacity}
              tint={mode === 'garment' ? TINTS.garment : TINTS.fill}
              measure={measuring?.points}
              onMeasure={(points) => setMeasuring((m) => (m ? { ...m, points } : m))}
              onBusy={setBusy}
            />
            <div className="pstudio__actions" role="group" aria-label={t('studio.edits')}>
              <button
                type="button"
                className="icon-button"
                onClick={() => doc.undo()}
                disabled={!doc.history.canUndo}
                aria-label={t('studio.undo')}
                title={t('studio.undo')}
                data-testid="undo"
              >
                <Icon name="undo" />
              </button>
              <button
                type="button"
                className="icon-button"
                onClick={() => doc.redo()}
                disabled={!doc.history.canRedo}
                aria-label={t('studio.redo')}
                title={t('studio.redo')}
                data-testid="redo"
              >
                <Icon name="redo" />
              </button>
              <button
                type="button"
                className="icon-button"
                onClick={() => doc.invert()}
                aria-label={t('studio.invert')}
                title={t('studio.invert')}
                data-testid="invert"
              >
                <Icon name="invert" />
              </button>
              <button
                type="button"
                className="icon-button"
                onClick={() => doc.clear()}
                disabled={doc.isEmpty()}
                aria-label={t('studio.clear')}
                title={t('studio.clear')}
                data-testid="clear"
              >
                <Icon name="clear" />
              </button>
            </div>
            {busy && (
              <div className="pstudio__busy" role="status">
                <span className="spinner spinner--small" aria-hidden="true" /> {t('studio.wand.working')}
              </div>
            )}
            {measuring && (
              <div className="pstudio__measure-hint" role="status" data-testid="measure-hint">
                {measuring.points.length === 0
                  ? t('cloth.measure.first')
                  : measuring.points.length === 1
                    ? t('cloth.measure.second')
                    : t('cloth.measure.again')}
              </div>
            )}
          </div>

          <div className="pstudio__tools" role="toolbar" aria-label={t('studio.tools')}>
            <div className="pstudio__toolset" role="radiogroup" aria-label={t('studio.tool.label')}>
              {TOOLS.map(({ id, icon }) => (
                <button
                  key={id}
                  type="button"
                  role="radio"
                  aria-checked={!measuring && tool === id}
                  className={`pstudio__tool${!measuring && tool === id ? ' pstudio__tool--on' : ''}`}
                  onClick={() => {
                    setTool(id);
                    setMeasuring(undefined);
                  }}
                  data-tool={id}
                >
                  <Icon name={icon} size={22} />
                  <span>{toolLabel[id]}</span>
                </button>
              ))}
            </div>
            <div className="pstudio__sliders">
              {tool === 'wand' ? (
                <label className="pstudio__slider" htmlFor={tolId}>
                  <span>{t('studio.tolerance')}</span>
                  <input
                    id={tolId}
                    type="range"
                    min={2}
                    max={60}
                    step={1}
                    value={tolerance}
                    onChange={(e) => setTolerance(Number(e.target.value))}
                    data-testid="tolerance"
                  />
                  <output>{tr.number(tolerance)}</output>
                </label>
              ) : (
                <label className="pstudio__slider" htmlFor={sizeId}>
                  <span>{t('studio.brushSize')}</span>
                  <input
                    id={sizeId}
                    type="range"
                    min={4}
                    max={160}
                    step={1}
                    value={brushSize}
                    onChange={(e) => setBrushSize(Number(e.target.value))}
                    data-testid="brush-size"
                  />
                  <span className="pstudio__dot" style={{ width: Math.max(6, brushSize / 4), height: Math.max(6, brushSize / 4) }} aria-hidden="true" />
                </label>
              )}
              <label className="pstudio__slider" htmlFor={opacityId}>
                <span>{t('studio.opacity')}</span>
                <input
                  id={opacityId}
                  type="range"
                  min={0.1}
                  max={1}
                  step={0.05}
                  value={opacity}
                  onChange={(e) => setOpacity(Number(e.target.value))}
                  data-testid="mask-opacity"
                />
                <output>{tr.percent(opacity)}</output>
              </label>
            </div>
          </div>
        </div>
      </div>

      <aside className={`pstudio__side pstudio__side--${mode}`} aria-label={t('studio.side')}>
        {mode === 'garment' ? (
          <>
            <section className="panel-section pstudio__section pstudio__area--fabric">
              <h3 className="panel-title">{t('studio.fabric')}</h3>
              <div className="pstudio__families" role="radiogroup" aria-label={t('studio.family')}>
                {families.map((f) => {
                  const on = source === 'catalog' && f.id === family?.id;
                  const first = f.colors[0];
                  return (
                    <button
                      key={f.id}
                      type="button"
                      role="radio"
                      aria-checked={on}
                      className={`pstudio__family${on ? ' pstudio__family--on' : ''}`}
                      onClick={() => {
                        setFamilyId(f.id);
                        setColorId((c) => (f.colors.some((x) => x.id === c) ? c : f.colors[0]?.id));
                        setSource('catalog');
                      }}
                      data-studio-family={f.id}
                    >
                      {first && (
                        <span
                          className="pstudio__family-swatch"
                          style={{ backgroundImage: `url("${first.swatchUrl}")`, backgroundColor: first.hex }}
                          aria-hidden="true"
                        />
                      )}
                      <span>{f.name}</span>
                    </button>
                  );
                })}
              </div>
            </section>
            {family && (
              <div className="pstudio__area--colour">
                <ColorPicker
                  family={family}
                  colorId={colorId}
                  catalogActive={source === 'catalog'}
                  onColor={(c) => {
                    setColorId(c.id);
                    setSource('catalog');
                  }}
                />
              </div>
            )}
            <div className="pstudio__area--cloth">
              <ClothSection
                cloth={cloth.cloth}
                active={source === 'cloth'}
                onChoose={(file) => {
                  cloth.choose(file);
                  setSource('cloth');
                }}
                onActivate={() => setSource('cloth')}
                onRemove={() => {
                  cloth.remove();
                  setSource('catalog');
                }}
              />
            </div>
            <section className="panel-section pstudio__section pstudio__area--scale">
              <h3 className="panel-title">{t('studio.scale.title')}</h3>
              <label className="checkbox">
                <input type="checkbox" checked={scale === undefined} onChange={(e) => setScale(e.target.checked ? undefined : 0.5)} data-testid="scale-auto" />
                {t('studio.scale.auto')}
              </label>
              <label className="pstudio__slider pstudio__slider--wide" htmlFor={scaleId}>
                <span>{t('studio.scale.slider')}</span>
                <input
                  id={scaleId}
                  type="range"
                  min={0}
                  max={100}
                  step={0.5}
                  value={scaleToSlider(scale ?? 0.5)}
                  disabled={scale === undefined}
                  onChange={(e) => setScale(sliderToScale(Number(e.target.value)))}
                  aria-valuetext={scale ? t('studio.scale.value', { mm: tr.number(scale, { maximumFractionDigits: 2 }) }) : t('studio.scale.auto')}
                  data-testid="scale"
                />
                <output>{scale ? t('studio.scale.value', { mm: tr.number(scale, { maximumFractionDigits: 2 }) }) : t('studio.scale.autoShort')}</output>
              </label>
              {measuring ? (
                <div className="pstudio__measure">
                  <p className="hint">{t('studio.scale.measureHelp')}</p>
                  <label className="field field--row">
                    <span>{t('studio.scale.length')}</span>
                    <input
                      type="text"
                      inputMode="decimal"
                      value={measuring.lengthCm}
                      onChange={(e) => setMeasuring({ ...measuring, lengthCm: e.target.value })}
                      data-testid="measure-length"
                    />
                  </label>
                  <div className="pstudio__row">
                    <button
                      type="button"
                      className="button button--small"
                      disabled={!measuredScale}
                      onClick={() => {
                        setScale(measuredScale);
                        setMeasuring(undefined);
                      }}
                      data-testid="measure-use"
                    >
                      {t('studio.scale.use')}
                    </button>
                    <button type="button" className="button button--quiet button--small" onClick={() => setMeasuring(undefined)}>
                      {t('action.cancel')}
                    </button>
                  </div>
                  {measuring.points.length === 2 && measuring.lengthCm && !measuredScale && <p className="hint hint--error">{t('studio.scale.unusable')}</p>}
                </div>
              ) : (
                <button
                  type="button"
                  className="button button--small"
                  onClick={() => {
                    setMeasuring({ points: [], lengthCm: '' });
                    // The taps are on the photo: on a portrait tablet it is above, maybe scrolled away.
                    canvasRef.current?.scrollIntoView?.({ block: 'nearest' });
                  }}
                  data-testid="measure"
                >
                  <Icon name="ruler" /> {t('studio.scale.measure')}
                </button>
              )}
            </section>
            <section className="pstudio__apply">
              <button
                type="button"
                className="button button--primary button--wide"
                onClick={() => void apply()}
                disabled={!!applyBlocked || job?.status === 'working'}
                data-testid="studio-apply"
              >
                {job?.status === 'working' ? t('studio.apply.working') : t('studio.apply.action')}
              </button>
              {applyBlocked && job?.status !== 'working' && <p className="hint">{applyBlocked}</p>}
              {doneJob && !showResult && (
                <button type="button" className="button button--small" onClick={() => setShowResult(true)} data-testid="studio-see-result">
                  {t('studio.result.see')}
                </button>
              )}
              {job?.status === 'working' && (
                <div
                  className="progress"
                  role="progressbar"
                  aria-label={t('studio.apply.progress')}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={Math.round(job.progress * 100)}
                  data-testid="studio-progress"
                >
                  <span style={{ width: `${Math.max(4, job.progress * 100)}%` }} />
                </div>
              )}
              {job?.status === 'failed' && (
                <div className="notice notice--error" role="alert" data-testid="studio-apply-error">
                  <p>{job.problem.message}</p>
                  {job.problem.detail && <p className="notice__detail">{job.problem.detail}</p>}
                </div>
              )}
            </section>
          </>
        ) : (
          <section className="panel-section pstudio__section pstudio__fill">
            <h3 className="panel-title">{t('studio.fill.title')}</h3>
            <p>{t('studio.fill.body')}</p>
            <button
              type="button"
              className="button button--primary button--wide"
              onClick={() => void erase()}
              disabled={fill.isEmpty() || filling?.status === 'working'}
              data-testid="studio-fill"
            >
              {filling?.status === 'working' ? t('studio.fill.working') : t('studio.fill.action')}
            </button>
            {fill.isEmpty() && <p className="hint">{t('studio.fill.paintFirst')}</p>}
            {filling?.status === 'failed' && (
              <div className="notice notice--error" role="alert">
                <p>{filling.problem.message}</p>
                {filling.problem.detail && <p className="notice__detail">{filling.problem.detail}</p>}
              </div>
            )}
          </section>
        )}

        <section className="pstudio__photo-actions">
          <h3 className="panel-title">{t('studio.photo.title')}</h3>
          <p className="hint">{t('studio.privacy')}</p>
          <div className="pstudio__row">
            <button type="button" className="button button--small" onClick={onClosed} data-testid="studio-new">
              <Icon name="camera" /> {t('studio.photo.another')}
            </button>
            <button type="button" className="button button--small pstudio__danger" onClick={() => setConfirmDelete(true)} data-testid="studio-delete">
              <Icon name="trash" /> {t('studio.delete.action')}
            </button>
          </div>
        </section>
      </aside>

      <Dialog open={confirmDelete} onClose={() => setConfirmDelete(false)} labelledBy="pstudio-delete-title" className="pstudio-confirm">
        <h2 id="pstudio-delete-title">{t('studio.delete.title')}</h2>
        <p>{t('studio.delete.body')}</p>
        {deleting?.status === 'failed' && (
          <div className="notice notice--error" role="alert">
            <p>{deleting.problem.message}</p>
          </div>
        )}
        <div className="pstudio__row pstudio__row--end">
          <button type="button" className="button" onClick={() => setConfirmDelete(false)}>
            {t('action.cancel')}
          </button>
          <button
            type="button"
            className="button pstudio__danger pstudio__danger--solid"
            onClick={() => void deletePhoto()}
            disabled={deleting?.status === 'working'}
            data-testid="studio-delete-confirm"
          >
            {t('studio.delete.confirm')}
          </button>
        </div>
      </Dialog>
      {cloth.pendingFile && <ClothDialog file={cloth.pendingFile} onCancel={cloth.cancelDialog} onConfirm={cloth.confirm} onUnreadable={cloth.unreadable} />}
    </div>
  );
}

function clothLabel(render: Render, families: FabricFamily[], locale: 'es' | 'en', photographed: string): string {
  if (render.cloth?.kind === 'photographed' || render.swatchUploadId) return photographed;
  const family = families.find((f) => f.id === render.family);
  const color = family?.colors.find((c) => c.id === render.color);
  return [family?.name ?? render.family, color ? colorName(color.name, locale) : render.color].filter(Boolean).join(' · ');
}
