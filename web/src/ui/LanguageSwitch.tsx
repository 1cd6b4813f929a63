import { LOCALE_NAMES, LOCALES, useI18n } from '../i18n/i18n.tsx';

export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <div className="lang" role="radiogroup" aria-label={t('app.language')}>
      {LOCALES.map((l) => (
        <button
          key={l}
          type="button"
          role="radio"
          aria-checked={l === locale}
          lang={l}
          aria-label={LOCALE_NAMES[l]}
          onClick={() => setLocale(l)}
          data-locale={l}
        >
          {l.toUpperCase()}
        </button>
      ))}
    </div>
  );
}
