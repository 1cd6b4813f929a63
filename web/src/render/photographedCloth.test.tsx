// @vitest-environment jsdom
import { cleanup, render as mount, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Render } from '../api/types.ts';
import { History } from '../history/History.tsx';
import { createTranslator, I18nProvider } from '../i18n/i18n.tsx';
import type { Locale } from '../i18n/messages.ts';
import { SharePage } from '../looks/SharePage.tsx';
import { ClothDetails, FamilyDetails } from '../stylist/FittingPanel.tsx';
import { CUTS, FAMILIES, render } from '../test/fixtures.ts';
import { describeRender } from './describe.ts';

/**
 * A render from a photographed cloth is labelled as that cloth, with its photo, everywhere: never
 * with the family that was selected when it was ordered (here Super 120s Twill: its name,
 * composition "100% wool, Super 120s" and weight 260 g/m² must not appear).
 */
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const PHOTO = '/files/swatches/ab/abcdef.jpg';
/** As GET /api/renders/:id answers for a photographed cloth ordered while the twill was selected. */
const photographed = (id: string): Render =>
  render({
    id,
    family: 'twill',
    color: null,
    swatchUploadId: '6f1c1f7e-0000-4000-8000-000000000001',
    cloth: { kind: 'photographed', label: 'Photographed cloth', thumbnailUrl: PHOTO },
  });
const catalogue = render({ id: 'r-cat', family: 'twill', color: 'navy', cloth: { kind: 'catalogue' } });

function expectNoTwill(root: HTMLElement) {
  expect(root.textContent).not.toContain('Super 120s Twill');
  expect(root.textContent).not.toContain('Super 120s');
  expect(root.textContent).not.toContain('260');
}

function serve(routes: Record<string, unknown>) {
  vi.stubGlobal('fetch', async (url: string) => {
    const path = String(url).split('?')[0]!;
    const body = routes[path];
    return body === undefined
      ? new Response(JSON.stringify({ error: { code: 'not_found', message: 'no' } }), { status: 404, headers: { 'content-type': 'application/json' } })
      : new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  });
}

describe('a render from a photographed cloth', () => {
  it.each<[Locale, string]>([
    ['en', 'Photographed cloth'],
    ['es', 'Tela fotografiada'],
  ])('is captioned as the photographed cloth (%s), with its photo, even with the catalogue at hand', (locale, label) => {
    const tr = createTranslator(locale);
    const caption = describeRender(photographed('r1'), tr, { families: FAMILIES, cuts: CUTS });
    expect(caption.family).toBe(label);
    expect(caption.clothThumbnailUrl).toBe(PHOTO);
    for (const text of [caption.line, caption.alt, caption.meta]) expect(text).not.toMatch(/Twill|Navy|Marino/);
    // A catalogue render keeps its family and colour.
    expect(describeRender(catalogue, tr, { families: FAMILIES, cuts: CUTS }).line).toContain('Super 120s Twill');
  });

  it("shows in History as 'Photographed cloth' with its thumbnail, beside a catalogue render named by its family", async () => {
    serve({ '/api/renders': { items: [photographed('r1'), catalogue], nextCursor: null } });
    const tr = createTranslator('en');
    mount(
      <I18nProvider initial="en">
        <History
          describe={(r) => describeRender(r, tr, { families: FAMILIES, cuts: CUTS })}
          selected={new Set()}
          onToggle={() => undefined}
          onOpen={() => undefined}
          onRetry={async () => undefined}
        />
      </I18nProvider>,
    );
    const tiles = await waitFor(() => {
      const items = screen.getAllByRole('listitem');
      expect(items).toHaveLength(2);
      return items;
    });
    const [photoTile, catalogueTile] = tiles as [HTMLElement, HTMLElement];
    expect(photoTile.querySelector('.tile__family')!.textContent).toBe('Photographed cloth');
    expect(photoTile.querySelector('.tile__family img')!.getAttribute('src')).toBe(PHOTO);
    expectNoTwill(photoTile);
    expect(catalogueTile.querySelector('.tile__family')!.textContent).toBe('Super 120s Twill');
  });

  it("shows on a look's share page as 'Tela fotografiada', whatever family label an older server sent", async () => {
    const look = {
      token: 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCd',
      title: 'Boda de Ana',
      clientName: 'Ana',
      createdAt: '2025-01-01T10:00:00.000Z',
      expiresAt: '2025-02-01T10:00:00.000Z',
      renders: [
        // An older answer labelled it with the selected family: the page must not repeat that.
        { ...photographed('r1'), cloth: undefined, labels: { family: 'Super 120s Twill', color: null, cut: 'Single-breasted two-button' } },
        { ...photographed('r2'), labels: { family: 'Photographed cloth', color: null, cut: 'Single-breasted two-button' } },
      ],
    };
    serve({ [`/api/looks/${look.token}`]: look });
    mount(
      <I18nProvider initial="es">
        <SharePage token={look.token} />
      </I18nProvider>,
    );
    const gallery = await screen.findByTestId('look-gallery');
    const names = within(gallery)
      .getAllByRole('listitem')
      .map((li) => li.querySelector('.tile__family')!.textContent);
    expect(names).toEqual(['Tela fotografiada', 'Tela fotografiada']);
    expect(gallery.querySelectorAll('.tile__family img')[0]!.getAttribute('src')).toBe(PHOTO);
    expectNoTwill(gallery);
  });

  it("replaces the family's name, composition and weight in the fitting panel while it is on the suit", () => {
    const { container: cloth } = mount(
      <I18nProvider initial="en">
        <ClothDetails thumbnailUrl={PHOTO} />
      </I18nProvider>,
    );
    expect(screen.getByTestId('family-name').textContent).toBe('Photographed cloth');
    expect(cloth.querySelector('img')!.getAttribute('src')).toBe(PHOTO);
    expectNoTwill(cloth);
    cleanup();
    // The family's own details, for contrast: what must not show for a photographed cloth.
    const { container: family } = mount(
      <I18nProvider initial="en">
        <FamilyDetails family={FAMILIES[0]!} />
      </I18nProvider>,
    );
    expect(family.textContent).toContain('Super 120s Twill');
    expect(family.textContent).toContain('260');
  });
});
