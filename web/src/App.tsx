import { lazy, Suspense } from 'react';
import { useI18n } from './i18n/i18n.tsx';
import { SharePage } from './looks/SharePage.tsx';
import { SignedIn } from './stylist/SignIn.tsx';
import { Stylist } from './stylist/Stylist.tsx';
import { AppHeader } from './ui/AppHeader.tsx';
import { usePath } from './router.ts';

/** The admin console is its own chunk: the stylist on a tablet never downloads it. */
const AdminApp = lazy(() => import('./admin/AdminApp.tsx'));

/** The app's few pages, by path: the stylist at `/`, a shared look at `/looks/<token>`, the console at `/admin`. */
export function route(pathname: string): { page: 'stylist' } | { page: 'look'; token: string } | { page: 'admin' } | { page: 'missing' } {
  if (pathname === '/' || pathname === '/index.html') return { page: 'stylist' };
  const look = /^\/looks\/([A-Za-z0-9_-]+)\/?$/.exec(pathname);
  if (look) return { page: 'look', token: look[1]! };
  if (pathname === '/admin' || pathname.startsWith('/admin/')) return { page: 'admin' };
  return { page: 'missing' };
}

export function App() {
  const r = route(usePath());
  if (r.page === 'stylist') return <SignedIn>{(session) => <Stylist session={session} />}</SignedIn>;
  if (r.page === 'look') return <SharePage token={r.token} />;
  if (r.page === 'admin') {
    return (
      <Suspense fallback={null}>
        <AdminApp />
      </Suspense>
    );
  }
  return <NotFound />;
}

function NotFound() {
  const { t } = useI18n();
  return (
    <>
      <AppHeader />
      <main id="main" tabIndex={-1} className="share">
        <div className="message">
          <h1>{t('missing.title')}</h1>
          <p>{t('missing.body')}</p>
          <a className="button" href="/">
            {t('missing.home')}
          </a>
        </div>
      </main>
    </>
  );
}
