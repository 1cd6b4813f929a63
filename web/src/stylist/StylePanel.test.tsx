// @vitest-environment jsdom
import { cleanup, render as mount } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cut } from '../api/types.ts';
import { I18nProvider } from '../i18n/i18n.tsx';
import { ClothColour } from './OptionIcon.tsx';
import { StylePanel } from './StylePanel.tsx';

afterEach(cleanup);

const CUT: Cut = {
  id: 'double-breasted',
  name: 'Double-breasted',
  legacyId: 'cruzado',
  views: [{ id: 'front', kind: 'builtin', width: 1024, height: 1536 }],
  options: [
    { id: 'lapel', labelKey: 'option.lapel', default: 'peak', values: ['notch', 'peak'].map((id) => ({ id, labelKey: `option.lapel.${id}` })) },
    {
      id: 'buttons',
      labelKey: 'option.buttons',
      default: 'horn-dark',
      values: ['horn-dark', 'horn-light', 'matching'].map((id) => ({ id, labelKey: `option.buttons.${id}` })),
    },
  ],
};
const NO_CHOICES = {};
const onChange = () => undefined;

/** The style panel as the stylist shows it: the cloth's colour given by ClothColour. */
function panel(hex: string | undefined) {
  return (
    <I18nProvider initial="en">
      <ClothColour.Provider value={hex}>
        <StylePanel cut={CUT} choices={NO_CHOICES} onChange={onChange} />
      </ClothColour.Provider>
    </I18nProvider>
  );
}

const fillOf = (container: HTMLElement, icon: string) =>
  container.querySelector(`[data-icon="${icon}"] [fill]:not([fill="none"]):not([fill="#fff"])`)?.getAttribute('fill');

describe('StylePanel and the cloth colour', () => {
  it('draws the matching buttons in the cloth colour and follows a colour tap, the other drawings as they are', () => {
    const view = mount(panel('#1A2236'));
    expect(fillOf(view.container, 'buttons.matching')).toBe('#1A2236');
    expect(fillOf(view.container, 'buttons.horn-dark')).toBe('#3b2a20');
    const hornBefore = view.container.querySelector('[data-icon="buttons.horn-dark"]');

    view.rerender(panel('#7A5C3E'));
    expect(fillOf(view.container, 'buttons.matching')).toBe('#7A5C3E');
    expect(view.container.querySelector('[data-icon="buttons.horn-dark"]')).toBe(hornBefore);
    expect(fillOf(view.container, 'buttons.horn-dark')).toBe('#3b2a20');
  });

  it('draws the matching buttons grey without a catalogue colour (a photographed cloth)', () => {
    const view = mount(panel(undefined));
    expect(fillOf(view.container, 'buttons.matching')).toBe('#777');
  });
});
