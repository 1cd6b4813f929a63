// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../i18n/i18n.tsx';
import type { Locale } from '../i18n/messages.ts';
import { FAMILIES } from '../test/fixtures.ts';
import { Browse } from './Browse.tsx';
import { EMPTY_FILTERS, type Filters } from './filters.ts';

afterEach(cleanup);

function Harness({ locale = 'en', onSelect = () => undefined }: { locale?: Locale; onSelect?: (id: string, color?: string) => void }) {
  const [filters, setFilters] = useState<Filters>(EMPTY_FILTERS);
  return (
    <I18nProvider initial={locale}>
      <Browse families={FAMILIES} filters={filters} onFilters={setFilters} onSelect={(f, c) => onSelect(f.id, c)} />
    </I18nProvider>
  );
}

const cards = () =>
  within(screen.getByTestId('family-grid'))
    .getAllByRole('button')
    .map((b) => b.getAttribute('data-family'));
const chip = (facet: string, value: string) => document.querySelector(`[data-facet="${facet}"] [data-value="${value}"]`) as HTMLButtonElement;
const count = (facet: string, value: string) => chip(facet, value).querySelector('.chip__count')!.textContent;

describe('<Browse>', () => {
  it('shows each family as a swatch card with name, composition, weight and season', () => {
    render(<Harness />);
    expect(cards()).toEqual(['twill', 'flannel', 'herringbone', 'mohair', 'pinstripe']);
    const card = screen.getByRole('button', { name: /Winter Flannel/ });
    expect(card.textContent).toContain('100% woollen-spun wool');
    expect(card.textContent).toContain('370 g/m²');
    expect(card.textContent).toContain('Autumn–winter');
    expect(within(card).getByRole('img').getAttribute('alt')).toBe('Winter Flannel swatch in Light Grey');
    expect(screen.getByTestId('result-count').textContent).toBe('5 of 5 fabrics');
  });

  it('combines filters, updates the counts and the result, and clears them', () => {
    render(<Harness />);
    expect(count('season', 'autumn-winter')).toBe('2');
    expect(count('colour', 'green')).toBe('1');
    fireEvent.click(chip('season', 'autumn-winter'));
    expect(chip('season', 'autumn-winter').getAttribute('aria-pressed')).toBe('true');
    expect(cards()).toEqual(['flannel', 'herringbone']);
    expect(count('colour', 'blue')).toBe('0');
    expect(chip('colour', 'blue').disabled).toBe(true);
    fireEvent.click(chip('colour', 'green'));
    expect(cards()).toEqual(['herringbone']);
    expect(screen.getByTestId('result-count').textContent).toBe('1 of 5 fabrics');
    fireEvent.click(screen.getAllByRole('button', { name: 'Clear filters' })[0]!);
    expect(cards()).toHaveLength(5);
  });

  it('searches in the interface language too', () => {
    render(<Harness locale="es" />);
    fireEvent.change(screen.getByRole('searchbox', { name: 'Buscar tejidos' }), { target: { value: 'franela' } });
    expect(cards()).toEqual(['flannel']);
    fireEvent.change(screen.getByRole('searchbox'), { target: { value: 'espiga' } });
    expect(cards()).toEqual(['herringbone']);
    fireEvent.change(screen.getByRole('searchbox'), { target: { value: 'nada parecido' } });
    expect(screen.getByText('Ningún tejido coincide con estos filtros.')).toBeTruthy();
  });

  it('speaks Spanish with Spanish numbers and catalogue terms', () => {
    render(<Harness locale="es" />);
    const card = screen.getByRole('button', { name: /Summer Mohair/ });
    expect(card.textContent).toContain('60 % lana, 40 % mohair kid'.replace(/ %/g, '\u00a0%'));
    expect(card.textContent).toContain('Primavera–verano');
    expect(screen.getByTestId('result-count').textContent).toBe('5 de 5 tejidos');
    expect(chip('pattern', 'pinstripe').textContent).toContain('Raya diplomática');
  });

  it('selects a family with the colourway matching the colour filter', () => {
    const onSelect = vi.fn();
    render(<Harness onSelect={onSelect} />);
    fireEvent.click(chip('colour', 'green'));
    fireEvent.click(within(screen.getByTestId('family-grid')).getByRole('button', { name: /Herringbone/ }));
    expect(onSelect).toHaveBeenCalledWith('herringbone', 'olive');
  });
});
