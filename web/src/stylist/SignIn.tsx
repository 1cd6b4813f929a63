import { useCallback, useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, isAbort, sessionEvents, UnreachableError } from '../api/client.ts';
import type { StaffAccount } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { AppHeader } from '../ui/AppHeader.tsx';

export interface StaffSession {
  account: StaffAccount;
  signOut(): Promise<void>;
}

/**
 * The stylist app is for the house's staff: an associate signs the showroom tablet in once (the
 * session lasts DEVICE_SESSION_TTL_DAYS), and History, clients and looks come with that session.
 * Until then, and whenever the server says the session has ended, this shows the sign-in screen.
 */
export function SignedIn({ children }: { children: (session: StaffSession) => ReactNode }) {
  const [state, setState] = useState<{ status: 'checking' } | { status: 'out'; ended?: boolean } | { status: 'in'; account: StaffAccount }>({
    status: 'checking',
  });

  useEffect(() => {
    const controller = new AbortController();
    api
      .me(controller.signal)
      .then(({ user }) => setState({ status: 'in', account: user }))
      .catch((error) => {
        if (!isAbort(error)) setState({ status: 'out' });
      });
    const ended = () => setState((s) => (s.status === 'in' ? { status: 'out', ended: true } : s));
    sessionEvents.addEventListener('ended', ended);
    return () => {
      controller.abort();
      sessionEvents.removeEventListener('ended', ended);
    };
  }, []);

  const signOut = useCallback(async () => {
    // The signed-in app goes first: its render streams and requests close with it, so the sign-out is
    // not left queued behind them (a browser opens only six connections to one server).
    setState({ status: 'checking' });
    await api.signOut().catch(() => undefined);
    setState({ status: 'out' });
  }, []);

  if (state.status === 'checking') return <AppHeader />;
  if (state.status === 'out') return <SignInScreen ended={state.ended} onSignedIn={(account) => setState({ status: 'in', account })} />;
  return <>{children({ account: state.account, signOut })}</>;
}

function SignInScreen({ ended, onSignedIn }: { ended?: boolean; onSignedIn: (account: StaffAccount) => void }) {
  const { t } = useI18n();
  const ids = { title: useId(), email: useId(), password: useId(), error: useId() };
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const { user } = await api.signIn(email.trim(), password);
      onSignedIn(user);
    } catch (err) {
      const reason = err instanceof UnreachableError ? t('banner.title') : err instanceof ApiError ? err.message : '';
      setError(t('signin.failed', { reason }));
      setBusy(false);
    }
  };

  return (
    <>
      <AppHeader />
      <main id="main" tabIndex={-1} className="share">
        <form className="message sign-in" onSubmit={submit} aria-labelledby={ids.title} data-testid="sign-in">
          <h1 id={ids.title}>{t('signin.title')}</h1>
          <p>{ended ? t('signin.expired') : t('signin.body')}</p>
          <div className="field">
            <label htmlFor={ids.email}>{t('signin.email')}</label>
            <input id={ids.email} type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required autoFocus />
          </div>
          <div className="field">
            <label htmlFor={ids.password}>{t('signin.password')}</label>
            <input
              id={ids.password}
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
              aria-describedby={error ? ids.error : undefined}
            />
          </div>
          {error && (
            <p id={ids.error} className="notice notice--error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('signin.busy') : t('signin.submit')}
          </button>
        </form>
      </main>
    </>
  );
}

/** Who is signed in, and the way out, for the stylist's header. */
export function SessionBadge({ session }: { session: StaffSession }) {
  const { t } = useI18n();
  return (
    <span className="session-badge">
      <span className="session-badge__who">{t('signin.as', { email: session.account.email })}</span>
      <button type="button" className="button button--quiet button--small" onClick={() => void session.signOut()} data-testid="sign-out">
        {t('signin.out')}
      </button>
    </span>
  );
}
