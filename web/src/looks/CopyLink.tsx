import { useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { Icon } from '../ui/icons.tsx';

export function CopyLink({ url, className }: { url: string; className?: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<boolean | 'failed'>(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      setCopied('failed');
    }
    setTimeout(() => setCopied(false), 2500);
  };
  return (
    <button type="button" className={className ?? 'button button--small'} onClick={copy}>
      <Icon name="link" size={18} />{' '}
      <span aria-live="polite">{copied === true ? t('looks.copied') : copied === 'failed' ? t('looks.copyFailed') : t('looks.copy')}</span>
    </button>
  );
}
