import { useSyncExternalStore } from 'react';
import { apiStatus } from '../api/status.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** Shown while the server cannot be reached; Retry runs again whatever failed. */
export function ApiBanner() {
  const { t } = useI18n();
  const down = useSyncExternalStore(apiStatus.subscribe, apiStatus.isDown, () => false);
  if (!down) return null;
  return (
    <div className="banner" role="alert" data-testid="api-banner">
      <p>
        <strong>{t('banner.title')}</strong> {t('banner.body')}
      </p>
      <button type="button" className="button button--light" onClick={() => apiStatus.retry()}>
        {t('action.retry')}
      </button>
    </div>
  );
}
