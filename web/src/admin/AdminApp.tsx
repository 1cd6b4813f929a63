import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { sessionEvents } from '../api/client.ts';
import { navigate, usePath } from '../router.ts';
import { AppHeader } from '../ui/AppHeader.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { call, type Limits, type User } from './api.ts';
import { AuditPage } from './AuditPage.tsx';
import { FamiliesPage } from './catalog/FamiliesPage.tsx';
import { FamilyEditor } from './catalog/FamilyEditor.tsx';
import { CutsPage } from './CutsPage.tsx';
import { ErrorNotice, LimitsContext, TextField, useAction, useLimits } from './parts.tsx';
import { RendersPage } from './RendersPage.tsx';
import { useAdminText } from './text.ts';
import { TransferPage } from './TransferPage.tsx';
import { UsersPage } from './UsersPage.tsx';
import type { AdminKey } from './messages.ts';
import './admin.css';

/** The console's sections, by path under /admin, and who sees them. */
const SECTIONS: Array<{ id: string; label: AdminKey; roles: User['role'][] }> = [
  { id: 'catalog', label: 'nav.catalog', roles: ['admin', 'merchandiser'] },
  { id: 'cuts', label: 'nav.cuts', roles: ['admin', 'merchandiser'] },
  { id: 'transfer', label: 'nav.transfer', roles: ['admin', 'merchandiser'] },
  { id: 'renders', label: 'nav.renders', roles: ['admin', 'merchandiser'] },
  { id: 'audit', label: 'nav.audit', roles: ['admin', 'merchandiser'] },
  { id: 'users', label: 'nav.users', roles: ['admin'] },
];

export type Navigate = (path: string) => void;

/** The admin console: the same SPA under /admin, loaded only when someone goes there. */
export default function AdminApp() {
  const { t } = useAdminText();
  const path = usePath();
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [limits, setLimits] = useState<Limits>();

  useEffect(() => {
    document.title = `${t('app.title')} · Atelier`;
  }, [t]);
  useEffect(() => {
    const onSignedOut = () => setUser(null);
    sessionEvents.addEventListener('ended', onSignedOut);
    call<{ user: User; limits: Limits }>('GET', '/api/admin/me').then(
      (r) => (setUser(r.user), setLimits(r.limits)),
      () => setUser(null),
    );
    return () => {
      sessionEvents.removeEventListener('ended', onSignedOut);
    };
  }, []);

  if (user === undefined) {
    return (
      <main id="main" className="admin admin--center" aria-busy="true">
        <span className="spinner" role="status" aria-label={t('app.loading')} />
      </main>
    );
  }
  if (user === null) return <SignIn onSignedIn={(u, l) => (setUser(u), setLimits(l))} />;
  const shell = <Console user={user} path={path} navigate={navigate} onSignedOut={() => setUser(null)} />;
  return limits ? <LimitsContext.Provider value={limits}>{shell}</LimitsContext.Provider> : shell;
}

function SignIn({ onSignedIn }: { onSignedIn(user: User, limits?: Limits): void }) {
  const { t } = useAdminText();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await action.run(async () => {
      await call('POST', '/api/admin/login', { email, password });
      return call<{ user: User; limits: Limits }>('GET', '/api/admin/me');
    });
    if (r) onSignedIn(r.user, r.limits);
  };
  return (
    <>
      <AppHeader subtitle={t('app.subtitle')} />
      <main id="main" tabIndex={-1} className="admin admin--center">
        <form className="form admin-signin" onSubmit={submit} aria-labelledby="signin-title">
          <h1 id="signin-title">{t('signin.title')}</h1>
          <p className="hint">{t('signin.body')}</p>
          <TextField label={t('signin.email')} value={email} onChange={setEmail} name="email" autoComplete="username" required />
          <TextField
            label={t('signin.password')}
            value={password}
            onChange={setPassword}
            type="password"
            name="password"
            autoComplete="current-password"
            required
          />
          <ErrorNotice error={action.error} />
          <button type="submit" className="button button--primary" disabled={action.pending}>
            {action.pending ? t('signin.pending') : t('signin.submit')}
          </button>
          <a className="hint" href="/">
            {t('signin.toStylist')}
          </a>
        </form>
      </main>
    </>
  );
}

function Console({ user, path, navigate, onSignedOut }: { user: User; path: string; navigate: Navigate; onSignedOut(): void }) {
  const { t } = useAdminText();
  const [accountOpen, setAccountOpen] = useState(false);
  const sections = SECTIONS.filter((s) => s.roles.includes(user.role));
  const [, , sectionId = sections[0]?.id, ...rest] = path.split('/');
  const section = sections.find((s) => s.id === sectionId);

  const signOut = async () => {
    await call('POST', '/api/admin/logout').catch(() => undefined);
    onSignedOut();
  };

  let page: ReactNode;
  if (!sections.length) page = <p className="notice">{t('console.noAccess', { role: t(`role.${user.role}`) })}</p>;
  else if (!section) page = <p className="notice">{t('console.missing')}</p>;
  else if (section.id === 'catalog' && rest[0]) page = <FamilyEditor id={rest[0] === 'new' ? undefined : rest[0]} navigate={navigate} />;
  else if (section.id === 'catalog') page = <FamiliesPage navigate={navigate} />;
  else if (section.id === 'cuts') page = <CutsPage />;
  else if (section.id === 'transfer') page = <TransferPage />;
  else if (section.id === 'renders') page = <RendersPage user={user} />;
  else if (section.id === 'audit') page = <AuditPage />;
  else page = <UsersPage me={user} />;

  return (
    <>
      <AppHeader subtitle={t('app.subtitle')}>
        <div className="tabs admin-nav" role="tablist" aria-label={t('nav.label')}>
          {sections.map((s) => (
            <a
              key={s.id}
              role="tab"
              aria-selected={s.id === section?.id}
              href={`/admin/${s.id}`}
              onClick={(e) => {
                e.preventDefault();
                navigate(`/admin/${s.id}`);
              }}
            >
              {t(s.label)}
            </a>
          ))}
        </div>
      </AppHeader>
      <div className="admin-user">
        <span>
          {user.email} · {t(`role.${user.role}`)}
        </span>
        <button type="button" className="button button--quiet button--small" onClick={() => setAccountOpen(true)}>
          {t('account.password')}
        </button>
        <button type="button" className="button button--quiet button--small" onClick={signOut} data-testid="sign-out">
          {t('account.signOut')}
        </button>
      </div>
      <main id="main" tabIndex={-1} className="admin">
        {page}
      </main>
      <PasswordDialog open={accountOpen} onClose={() => setAccountOpen(false)} />
    </>
  );
}

function PasswordDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const { t } = useAdminText();
  const { passwordMinLength } = useLimits();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  const action = useAction();
  const close = () => {
    setCurrent('');
    setNext('');
    setDone(false);
    action.clear();
    onClose();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await action.run(async () => {
      await call('POST', '/api/admin/me/password', { current, next });
      return true;
    });
    if (ok) setDone(true);
  };
  return (
    <Dialog open={open} onClose={close} labelledBy="password-title">
      <form className="form" onSubmit={submit}>
        <h2 id="password-title">{t('account.password')}</h2>
        {done ? (
          <p>{t('account.passwordDone')}</p>
        ) : (
          <>
            <TextField label={t('account.current')} value={current} onChange={setCurrent} type="password" autoComplete="current-password" required />
            <TextField
              label={t('account.next')}
              value={next}
              onChange={setNext}
              type="password"
              autoComplete="new-password"
              hint={t('account.nextHint', { min: passwordMinLength })}
              required
            />
            <ErrorNotice error={action.error} />
          </>
        )}
        <div className="dialog__actions">
          <button type="button" className="button button--quiet" onClick={close}>
            {done ? t('action.close') : t('action.cancel')}
          </button>
          {!done && (
            <button type="submit" className="button button--primary" disabled={action.pending}>
              {t('action.save')}
            </button>
          )}
        </div>
      </form>
    </Dialog>
  );
}
