// @vitest-environment jsdom
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../i18n/i18n.tsx';
import { render as makeRender } from '../test/fixtures.ts';
import { PreviewFigure, SLOW_PREVIEW_MS } from './PreviewFigure.tsx';
import type { PreviewState } from './usePreview.ts';

const shown = { key: 'twill/navy//single-breasted/front', url: '/files/navy.jpg', render: makeRender({ id: 'navy' }) };

function figure(preview: PreviewState) {
  return (
    <I18nProvider initial="en">
      <PreviewFigure preview={preview} onRetry={() => undefined} onOpen={() => undefined} altFor={() => 'suit'} />
    </I18nProvider>
  );
}

describe('preview figure while the next preview loads', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('marks nothing for a quick answer: no dimming and no "updating" before SLOW_PREVIEW_MS', () => {
    const view = render(figure({ shown, wanted: shown.key, loading: false }));
    view.rerender(figure({ shown, wanted: 'twill/charcoal//single-breasted/front', loading: true }));
    act(() => vi.advanceTimersByTime(SLOW_PREVIEW_MS - 20));
    const img = view.getByTestId('preview-image');
    // Element Timing reports when each new picture is on screen (the web bench's measure).
    expect(img.getAttribute('elementtiming')).toBe('preview');
    expect(img.className).not.toContain('preview__image--stale');
    expect(view.queryByText('Updating…', { exact: false })).toBeNull();
    // Busy for assistive technology at once.
    expect(view.getByTestId('preview').getAttribute('aria-busy')).toBe('true');
    // The answer arrives in time: nothing was ever marked.
    const next = { ...shown, key: 'twill/charcoal//single-breasted/front' };
    view.rerender(figure({ shown: next, wanted: next.key, loading: false }));
    act(() => vi.advanceTimersByTime(SLOW_PREVIEW_MS));
    expect(view.getByTestId('preview-image').className).not.toContain('preview__image--stale');
    expect(view.queryByRole('status')).toBeNull();
  });

  it('dims the old suit and says it is updating once the answer is slow, and clears both when it arrives', () => {
    const view = render(figure({ shown, wanted: shown.key, loading: false }));
    view.rerender(figure({ shown, wanted: 'twill/charcoal//single-breasted/front', loading: true }));
    act(() => vi.advanceTimersByTime(SLOW_PREVIEW_MS + 1));
    expect(view.getByTestId('preview-image').className).toContain('preview__image--stale');
    expect(view.getByRole('status').textContent).toMatch(/\w/);
    const next = { ...shown, key: 'twill/charcoal//single-breasted/front' };
    view.rerender(figure({ shown: next, wanted: next.key, loading: false }));
    expect(view.getByTestId('preview-image').className).not.toContain('preview__image--stale');
    expect(view.queryByRole('status')).toBeNull();
  });
});
