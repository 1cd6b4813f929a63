import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, isAbort, UnreachableError } from '../api/client.ts';
import type { Colorway, FabricFamily, Render, RenderOrder } from '../api/types.ts';
import { Browse } from '../catalog/Browse.tsx';
import { EMPTY_FILTERS, type Filters } from '../catalog/filters.ts';
import { useCatalog } from '../catalog/useCatalog.ts';
import { History } from '../history/History.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { LooksList } from '../looks/LooksList.tsx';
import { loadLooks, type RememberedLook } from '../looks/savedLooks.ts';
import { SaveLookDialog } from '../looks/SaveLookDialog.tsx';
import { LivePreview, type PreviewControls } from '../preview/LivePreview.tsx';
import type { PreviewSelection } from '../preview/usePreview.ts';
import { describeRender } from '../render/describe.ts';
import { Gallery } from '../render/Gallery.tsx';
import { useRenderJobs } from '../render/useRenderJobs.ts';
import { Compare, Viewer } from '../render/Viewer.tsx';
import { ClothDialog } from '../swatch/ClothDialog.tsx';
import { useCloth } from '../swatch/useCloth.ts';
import { AppHeader } from '../ui/AppHeader.tsx';
import { SkeletonCards } from '../ui/Skeleton.tsx';
import { Icon } from '../ui/icons.tsx';
import { useStableCallback } from '../ui/useStableCallback.ts';
import { ClothDetails, ClothSection, ColorPicker, CutAndView, FamilyDetails, GeneratePanel } from './FittingPanel.tsx';
import { ClothColour } from './OptionIcon.tsx';
import { SessionBadge, type StaffSession } from './SignIn.tsx';
import { StylePanel } from './StylePanel.tsx';
import { changedOptions, choicesKey, likelyNextStyles, type StyleChoices } from './styleOptions.ts';

const NO_CHOICES: StyleChoices = {};

type Tab = 'fitting' | 'studio' | 'history' | 'looks';
const TABS: Tab[] = ['fitting', 'studio', 'history', 'looks'];

/** The client photo studio is its own chunk, loaded when the associate first opens it. */
const StudioPanel = lazy(() => import('../studio/StudioPanel.tsx').then((m) => ({ default: m.StudioPanel })));

export function Stylist({ session }: { session?: StaffSession } = {}) {
  const tr = useI18n();
  const { t } = tr;
  const catalog = useCatalog();
  const families = catalog.status === 'ready' ? catalog.families : [];
  const cuts = catalog.status === 'ready' ? catalog.cuts : [];

  const [tab, setTab] = useState<Tab>('fitting');
  const [filters, setFilters] = useState<Filters>(EMPTY_FILTERS);
  const [familyId, setFamilyId] = useState<string>();
  const [colorId, setColorId] = useState<string>();
  const [cutId, setCutId] = useState<string>();
  const [viewId, setViewId] = useState<string>();
  // Each cut keeps its own style choices while the associate moves between cuts.
  const [styleByCut, setStyleByCut] = useState<Record<string, StyleChoices>>({});
  /** The options the last change of style moved (in its cut), and whether a style or a colour was tapped last. */
  const [lastStyleChange, setLastStyleChange] = useState<{ cut: string; options: string[] }>();
  const [styleTappedLast, setStyleTappedLast] = useState(false);
  const [source, setSource] = useState<'catalog' | 'cloth'>('catalog');
  const [allCuts, setAllCuts] = useState(false);
  // "Photoreal" (the GPU engine) is offered only while /readyz says one answers.
  const [gpu, setGpu] = useState(false);
  const [photoreal, setPhotoreal] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    void api.gpuAvailable(controller.signal).then(setGpu);
    return () => controller.abort();
  }, []);
  const [selected, setSelected] = useState<Map<string, Render>>(new Map());
  const [viewer, setViewer] = useState<{ list: Render[]; index: number }>();
  const [compare, setCompare] = useState<[Render, Render]>();
  const [lookRenders, setLookRenders] = useState<Render[]>();
  const [looks, setLooks] = useState<RememberedLook[]>(() => loadLooks());
  const cloth = useCloth();
  const jobs = useRenderJobs();

  // The house's looks, as every tablet sees them; this tablet's own copy (with thumbnails) until they come.
  const looksTabOpen = tab === 'looks';
  useEffect(() => {
    if (!session) return;
    const controller = new AbortController();
    api
      .looks(controller.signal)
      .then(({ items }) => {
        const remembered = new Map(loadLooks().map((l) => [l.token, l]));
        setLooks(items.map((l) => ({ ...l, renderCount: l.renderIds.length, thumbUrl: remembered.get(l.token)?.thumbUrl })));
      })
      .catch((error) => {
        if (!isAbort(error)) console.warn('looks could not be loaded', error);
      });
    return () => controller.abort();
  }, [session, looksTabOpen]);

  // First visit: the first family, colour, cut and view, so the suit is on screen at once.
  useEffect(() => {
    if (catalog.status !== 'ready') return;
    if (!familyId && families[0]) {
      setFamilyId(families[0].id);
      setColorId(families[0].colors[0]?.id);
    }
    if (!cutId && cuts[0]) {
      setCutId(cuts[0].id);
      setViewId(cuts[0].views[0]?.id);
    }
  }, [catalog.status, families, cuts, familyId, cutId]);

  const family = families.find((f) => f.id === familyId);
  const cut = cuts.find((c) => c.id === cutId);
  const colorway = family?.colors.find((c) => c.id === colorId);
  // Style options draw a suit; a photographed view is the photo as it was taken.
  const drawnView = !!cut && cut.views.find((v) => v.id === viewId)?.kind === 'builtin';
  const style = (cut && styleByCut[cut.id]) ?? NO_CHOICES;
  const styleFor = (c: { id: string; views: Array<{ id: string; kind: string }> }, view: string) =>
    c.views.find((v) => v.id === view)?.kind === 'builtin' && styleByCut[c.id] && Object.keys(styleByCut[c.id]!).length ? styleByCut[c.id] : undefined;
  /** Style choices as the preview orders them: none on a photographed view or at the preset. */
  const drawnStyle = (choices: StyleChoices) => (drawnView && Object.keys(choices).length ? choices : undefined);
  const previewStyle = drawnStyle(style);
  const lookup = useMemo(() => ({ families, cuts }), [families, cuts]);
  const describe = useCallback((r: Render) => describeRender(r, tr, lookup), [tr, lookup]);

  const clothActive = source === 'cloth' && !!cloth.cloth;
  /** The suit on screen, drawn in `options`. */
  const selectionIn = (options: StyleChoices | undefined): PreviewSelection | undefined => {
    if (!family || !cut || !viewId) return undefined;
    if (clothActive)
      return cloth.cloth?.status === 'ready' ? { family: family.id, swatchUploadId: cloth.cloth.upload.id, cut: cut.id, view: viewId, options } : undefined;
    return colorId ? { family: family.id, color: colorId, cut: cut.id, view: viewId, options } : undefined;
  };
  const selection = selectionIn(previewStyle);
  // The colourways the associate is likely to tap next: the family's others, in this cut and view.
  const colourNeighbours = useMemo(
    () =>
      family && cut && viewId && !clothActive
        ? family.colors.filter((c) => c.id !== colorId).map((c) => ({ family: family.id, color: c.id, cut: cut.id, view: viewId, options: previewStyle }))
        : [],
    [family, cut, viewId, colorId, clothActive, previewStyle],
  );
  // And the styles one option away, likeliest first (as the server drafts them ahead).
  const readyCloth = clothActive && cloth.cloth?.status === 'ready' ? cloth.cloth.upload.id : undefined;
  // biome-ignore lint/correctness/useExhaustiveDependencies: selectionIn reads family, cut, view, colour and cloth, listed here
  const styleNeighbours = useMemo(() => {
    if (!cut || !drawnView) return [];
    const changed = lastStyleChange?.cut === cut.id ? lastStyleChange.options : [];
    return likelyNextStyles(cut, style, changed).flatMap((choices) => selectionIn(drawnStyle(choices)) ?? []);
  }, [cut, drawnView, style, lastStyleChange, family, viewId, colorId, clothActive, readyCloth]);
  // The kind of tap made last is the likelier next: its neighbours are prepared first.
  const neighbours = useMemo(
    () => (styleTappedLast ? [...styleNeighbours, ...colourNeighbours] : [...colourNeighbours, ...styleNeighbours]),
    [styleTappedLast, styleNeighbours, colourNeighbours],
  );
  const previewControls = useRef<PreviewControls>(null);

  const clothThumbnailUrl = cloth.cloth?.status === 'ready' ? cloth.cloth.upload.url : undefined;
  const captionFor = (sel: PreviewSelection | undefined) =>
    sel
      ? describeRender(
          {
            family: sel.family,
            color: sel.color ?? null,
            swatchUploadId: sel.swatchUploadId ?? null,
            cut: sel.cut,
            view: sel.view,
            options: sel.options ?? null,
          },
          tr,
          lookup,
          { clothThumbnailUrl },
        )
      : undefined;

  const selectFamily = useStableCallback((f: FabricFamily, featuredColor?: string) => {
    setFamilyId(f.id);
    const keep = f.colors.find((c) => c.id === colorId);
    setColorId(featuredColor ?? keep?.id ?? f.colors[0]?.id);
    // Picking a family from the grid means its colours: the photographed cloth steps aside.
    setSource('catalog');
    // On a portrait tablet the suit sits above the grid: bring it into view.
    if (window.matchMedia?.('(max-width: 1099px)').matches) document.getElementById('fitting')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  });
  const changeStyle = useStableCallback((next: StyleChoices) => {
    if (!cut) return;
    // As a colour tap does: the preview is ordered from the tap itself, before React draws the new style.
    const ahead = drawnView ? selectionIn(drawnStyle(next)) : undefined;
    if (ahead) previewControls.current?.preorder(ahead);
    setLastStyleChange({ cut: cut.id, options: changedOptions(cut, style, next) });
    setStyleTappedLast(true);
    setStyleByCut((m) => ({ ...m, [cut.id]: next }));
  });
  const openOne = useStableCallback((r: Render) => setViewer({ list: [r], index: 0 }));
  const altFor = useStableCallback((r: Render) => describe(r).alt);
  const selectCut = useStableCallback((id: string) => {
    setCutId(id);
    const next = cuts.find((c) => c.id === id);
    if (next && !next.views.some((v) => v.id === viewId)) setViewId(next.views[0]?.id);
  });
  // The controls beside the suit are memoised: with stable handlers a colour tap re-renders the colour
  // picker and what shows the colour, not the cut, cloth and order sections whose props did not change.
  const chooseColor = useStableCallback((c: Colorway) => {
    const next = colourNeighbours.find((n) => n.color === c.id);
    if (next) previewControls.current?.preorder(next);
    setStyleTappedLast(false);
    setColorId(c.id);
    setSource('catalog');
  });
  const chooseCloth = useStableCallback((file: File) => {
    cloth.choose(file);
    setSource('cloth');
  });
  const activateCloth = useStableCallback(() => setSource('cloth'));
  const removeCloth = useStableCallback(() => {
    cloth.remove();
    setSource('catalog');
  });

  let generateBlocked: string | undefined;
  if (!family || !cut) generateBlocked = t('generate.chooseFabric');
  else if (clothActive && cloth.cloth?.status === 'uploading') generateBlocked = t('generate.waitUpload');
  else if (clothActive && cloth.cloth?.status === 'failed') generateBlocked = t('generate.clothUnusable');

  const orders: RenderOrder[] = [];
  if (family && cut) {
    const chosenCuts = allCuts ? cuts : [cut];
    const fabric = clothActive && cloth.cloth?.status === 'ready' ? { swatchUploadId: cloth.cloth.upload.id } : { color: colorId };
    const viewIds = [...new Set(chosenCuts.flatMap((c) => c.views.map((v) => v.id)))];
    for (const view of viewIds) {
      // One order per view and style: cuts drawn as their preset share one, a styled cut has its own.
      const groups = new Map<string, { cuts: string[]; options?: StyleChoices }>();
      for (const c of chosenCuts.filter((c) => c.views.some((v) => v.id === view))) {
        const options = styleFor(c, view);
        const key = options ? `${c.id}:${choicesKey(options)}` : '';
        const group = groups.get(key) ?? { cuts: [], ...(options ? { options } : {}) };
        group.cuts.push(c.id);
        groups.set(key, group);
      }
      for (const g of groups.values()) {
        orders.push({
          family: family.id,
          ...fabric,
          cuts: g.cuts,
          view,
          ...(g.options ? { options: g.options } : {}),
          ...(gpu && photoreal ? { engine: 'comfyui' } : {}),
        });
      }
    }
  }
  const renderCount = orders.reduce((n, o) => n + o.cuts.length, 0);

  const rendersRef = useRef<HTMLElement>(null);
  const generate = useStableCallback(() => {
    void jobs.generate(orders);
    // The results appear in the gallery: bring it into view (beside the suit on a landscape tablet).
    requestAnimationFrame(() => rendersRef.current?.scrollIntoView({ behavior: 'smooth', block: 'nearest' }));
  });

  const toggle = useCallback((r: Render) => {
    setSelected((map) => {
      const next = new Map(map);
      if (next.has(r.id)) next.delete(r.id);
      else next.set(r.id, r);
      return next;
    });
  }, []);
  const selectedList = [...selected.values()];
  const sessionFinished = jobs.items.filter((r) => r.status === 'succeeded');

  const openFrom = (list: Render[], r: Render) =>
    setViewer({
      list,
      index: Math.max(
        0,
        list.findIndex((x) => x.id === r.id),
      ),
    });

  // The tabs live in the app's header.
  const tabRefs = useRef<Record<Tab, HTMLButtonElement | null>>({ fitting: null, studio: null, history: null, looks: null });
  // Once opened, the studio stays mounted: its photo and mask survive a look at another tab.
  const [studioOpened, setStudioOpened] = useState(false);
  useEffect(() => {
    if (tab === 'studio') setStudioOpened(true);
  }, [tab]);
  const onTabKey = (event: React.KeyboardEvent) => {
    const i = TABS.indexOf(tab);
    const next = event.key === 'ArrowRight' ? TABS[(i + 1) % TABS.length] : event.key === 'ArrowLeft' ? TABS[(i + TABS.length - 1) % TABS.length] : undefined;
    if (!next) return;
    event.preventDefault();
    setTab(next);
    tabRefs.current[next]?.focus();
  };
  const tabs = (
    <div className="tabs" role="tablist" aria-label={t('app.sections')} onKeyDown={onTabKey}>
      {TABS.map((id) => (
        <button
          key={id}
          ref={(el) => {
            tabRefs.current[id] = el;
          }}
          type="button"
          role="tab"
          id={`tab-${id}`}
          aria-selected={tab === id}
          aria-controls={`panel-${id}`}
          tabIndex={tab === id ? 0 : -1}
          onClick={() => setTab(id)}
          data-tab={id}
        >
          {t(`tab.${id}`)}
          {id === 'looks' && looks.length > 0 && <span className="tabs__count">{tr.number(looks.length)}</span>}
        </button>
      ))}
    </div>
  );

  const clothPlaceholder =
    clothActive && cloth.cloth?.status === 'uploading' ? (
      <div className="preview__waiting" role="status">
        <span className="spinner" aria-hidden="true" />
        <p>{t('preview.waitingForCloth', { percent: tr.percent(cloth.cloth.progress) })}</p>
      </div>
    ) : clothActive && cloth.cloth?.status === 'failed' ? (
      <div className="preview__waiting preview__waiting--error">
        <p>{cloth.cloth.problem.message}</p>
      </div>
    ) : undefined;

  return (
    <>
      <AppHeader>
        {tabs}
        {session && <SessionBadge session={session} />}
      </AppHeader>
      <main id="main" tabIndex={-1}>
        <div id="panel-fitting" role="tabpanel" aria-labelledby="tab-fitting" hidden={tab !== 'fitting'} className="studio">
          {catalog.status === 'failed' ? (
            <div className="notice notice--error studio__error" role="alert">
              <p>{catalog.error instanceof UnreachableError ? t('catalog.unreachable') : t('catalog.failed')}</p>
              <button type="button" className="button" onClick={catalog.reload}>
                {t('action.retry')}
              </button>
            </div>
          ) : (
            <>
              <div className="studio__side">
                <div className="studio__fitting" id="fitting">
                  <div className="studio__pair">
                    <div className="studio__preview">
                      {catalog.status === 'loading' ? (
                        <div className="skeleton skeleton--suit" role="status" aria-label={t('preview.loading')} />
                      ) : (
                        <LivePreview
                          selection={selection}
                          neighbours={neighbours}
                          controls={previewControls}
                          caption={captionFor(
                            selection ?? (family && cut && viewId ? { family: family.id, color: colorId, cut: cut.id, view: viewId } : undefined),
                          )}
                          placeholder={clothPlaceholder ?? (!family ? <p>{t('preview.choose')}</p> : undefined)}
                          onOpen={openOne}
                          altFor={altFor}
                        />
                      )}
                    </div>
                    <div className="studio__controls">
                      {catalog.status === 'loading' || !family ? (
                        <div className="controls-skeleton" aria-hidden="true">
                          <div className="skeleton skeleton--line" style={{ width: '60%', height: 28 }} />
                          <div className="skeleton skeleton--line" style={{ width: '80%' }} />
                          <div className="skeleton skeleton--block" />
                        </div>
                      ) : (
                        <>
                          {clothActive ? <ClothDetails thumbnailUrl={clothThumbnailUrl} /> : <FamilyDetails family={family} />}
                          <ColorPicker family={family} colorId={colorId} catalogActive={!clothActive} onColor={chooseColor} />
                          <ClothSection cloth={cloth.cloth} active={clothActive} onChoose={chooseCloth} onActivate={activateCloth} onRemove={removeCloth} />
                          {cut && viewId && <CutAndView cuts={cuts} cutId={cut.id} viewId={viewId} onCut={selectCut} onView={setViewId} />}
                          {cut && drawnView && (
                            <ClothColour.Provider value={clothActive ? undefined : colorway?.hex}>
                              <StylePanel cut={cut} choices={style} onChange={changeStyle} />
                            </ClothColour.Provider>
                          )}
                          <GeneratePanel
                            disabledReason={generateBlocked}
                            allCuts={allCuts}
                            onAllCuts={setAllCuts}
                            onGenerate={generate}
                            job={jobs.job}
                            count={renderCount}
                            photoreal={gpu ? photoreal : undefined}
                            onPhotoreal={setPhotoreal}
                          />
                        </>
                      )}
                    </div>
                  </div>
                  <section className="studio__renders" aria-labelledby="renders-title" ref={rendersRef} hidden={catalog.status !== 'ready'}>
                    <div className="section-head">
                      <h2 id="renders-title" className="section-title">
                        {t('gallery.title')}
                      </h2>
                      {sessionFinished.length > 0 && (
                        <button
                          type="button"
                          className="button button--quiet"
                          onClick={() => setLookRenders(selectedList.length ? selectedList : sessionFinished)}
                          data-testid="save-look-session"
                        >
                          {t('looks.saveAction')}
                        </button>
                      )}
                    </div>
                    {jobs.items.length === 0 ? (
                      <p className="empty empty--small">{t('gallery.empty')}</p>
                    ) : (
                      <Gallery
                        renders={jobs.items}
                        describe={describe}
                        onOpen={(r) => openFrom(sessionFinished, r)}
                        selected={new Set(selected.keys())}
                        onToggle={toggle}
                        onRetry={(r) => void jobs.retry(r).catch(() => undefined)}
                        testId="session-gallery"
                      />
                    )}
                  </section>
                </div>
              </div>
              <div className="studio__browse">
                {catalog.status === 'loading' ? (
                  <SkeletonCards count={6} label={t('browse.loading')} />
                ) : (
                  <Browse families={families} filters={filters} onFilters={setFilters} selectedFamily={familyId} onSelect={selectFamily} />
                )}
              </div>
            </>
          )}
        </div>
        <div id="panel-studio" role="tabpanel" aria-labelledby="tab-studio" hidden={tab !== 'studio'}>
          {studioOpened && (
            <Suspense fallback={<div className="skeleton skeleton--block" role="status" aria-label={t('preview.loading')} />}>
              <StudioPanel families={families} onResult={(r) => jobs.add(r)} onOpen={(r) => setViewer({ list: [r], index: 0 })} onSaveLook={setLookRenders} />
            </Suspense>
          )}
        </div>
        <div id="panel-history" role="tabpanel" aria-labelledby="tab-history" hidden={tab !== 'history'}>
          {tab === 'history' && (
            <History
              describe={describe}
              selected={new Set(selected.keys())}
              onToggle={toggle}
              onOpen={openFrom}
              onRetry={async (r) => {
                await jobs.retry(r);
              }}
            />
          )}
        </div>
        <div id="panel-looks" role="tabpanel" aria-labelledby="tab-looks" hidden={tab !== 'looks'}>
          {tab === 'looks' && <LooksList looks={looks} />}
        </div>
      </main>

      {selected.size > 0 && (
        <div className="selection-bar" role="region" aria-label={t('selection.label')} data-testid="selection-bar">
          <span>{tr.tp('selection.count', selected.size)}</span>
          <button
            type="button"
            className="button button--light"
            disabled={selected.size !== 2}
            onClick={() => setCompare(selectedList.slice(0, 2) as [Render, Render])}
            title={selected.size !== 2 ? t('selection.compareHint') : undefined}
            data-testid="compare-button"
          >
            <Icon name="compare" /> {t('selection.compare')}
          </button>
          <button type="button" className="button button--light" onClick={() => setLookRenders(selectedList)} data-testid="save-look">
            {t('looks.saveAction')}
          </button>
          <button type="button" className="button button--ghost-light" onClick={() => setSelected(new Map())}>
            {t('selection.clear')}
          </button>
        </div>
      )}

      {viewer && (
        <Viewer
          renders={viewer.list}
          index={viewer.index}
          onIndex={(index) => setViewer({ ...viewer, index })}
          onClose={() => setViewer(undefined)}
          describe={describe}
        />
      )}
      {compare && <Compare pair={compare} onClose={() => setCompare(undefined)} describe={describe} />}
      {lookRenders && (
        <SaveLookDialog
          renders={lookRenders}
          onClose={() => setLookRenders(undefined)}
          onSaved={(list) => {
            setLooks(list);
            setSelected(new Map());
          }}
        />
      )}
      {cloth.pendingFile && <ClothDialog file={cloth.pendingFile} onCancel={cloth.cancelDialog} onConfirm={cloth.confirm} onUnreadable={cloth.unreadable} />}
    </>
  );
}
