// @vitest-environment jsdom
import { cleanup, fireEvent, render as mount, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client.ts';
import { I18nProvider } from '../i18n/i18n.tsx';
import type { Locale } from '../i18n/messages.ts';
import { GeneratePanel } from './FittingPanel.tsx';

/** "Photoreal" is offered only when /readyz reports a reachable GPU engine. */
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function panel(locale: Locale, photoreal: boolean | undefined, onPhotoreal = vi.fn()) {
  mount(
    <I18nProvider initial={locale}>
      <GeneratePanel allCuts={false} onAllCuts={() => undefined} onGenerate={() => undefined} count={1} photoreal={photoreal} onPhotoreal={onPhotoreal} />
    </I18nProvider>,
  );
  return onPhotoreal;
}

describe('Photoreal choice', () => {
  it('is hidden without a GPU engine, shown (in English and Spanish) with one, and reports the choice', () => {
    panel('en', undefined);
    expect(screen.queryByTestId('photoreal')).toBeNull();
    cleanup();
    const onPhotoreal = panel('en', false);
    expect(screen.getByLabelText('Photoreal')).toBeTruthy();
    fireEvent.click(screen.getByTestId('photoreal'));
    expect(onPhotoreal).toHaveBeenCalledWith(true);
    cleanup();
    panel('es', true);
    expect((screen.getByLabelText('Fotorrealista') as HTMLInputElement).checked).toBe(true);
  });

  it('asks /readyz, and takes anything but gpu: true (an error, 503, no answer) as no GPU', async () => {
    const answers: Array<() => Promise<Response>> = [
      async () => new Response(JSON.stringify({ status: 'ready', failed: [], checks: {}, gpu: true }), { status: 200 }),
      async () => new Response(JSON.stringify({ status: 'ready', failed: [], checks: {}, gpu: false }), { status: 200 }),
      async () => new Response(JSON.stringify({ status: 'unavailable', failed: ['database'], checks: {}, gpu: true }), { status: 503 }),
      async () => {
        throw new TypeError('Failed to fetch');
      },
    ];
    const seen: boolean[] = [];
    for (const answer of answers) {
      vi.stubGlobal('fetch', async (url: string) => {
        expect(url).toBe('/readyz');
        return answer();
      });
      seen.push(await api.gpuAvailable());
    }
    // A 503 with gpu: true still has a GPU to offer; only the answer's own gpu flag counts.
    expect(seen).toEqual([true, false, true, false]);
  });
});
