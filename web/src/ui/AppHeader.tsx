import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { ApiBanner } from './ApiBanner.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';

export function AppHeader({ children, subtitle }: { children?: ReactNode; subtitle?: string }) {
  const { t } = useI18n();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="app-header">
        <div className="brand">
          <span className="brand__mark" aria-hidden="true">
            A
          </span>
          <span className="brand__text">
            <span className="brand__name">Atelier</span>
            <span className="brand__tag">{subtitle ?? t('app.tagline')}</span>
          </span>
        </div>
        <nav className="app-header__nav" aria-label={t('app.sections')}>
          {children}
        </nav>
        <LanguageSwitch />
      </header>
      <ApiBanner />
    </>
  );
}
