import { useEffect, useState } from 'react';

/**
 * The web app's one router: the page is the URL's path, changed by `navigate` or the browser's back
 * and forward buttons. The stylist app, share pages and console all read it through `usePath`.
 */
const NAVIGATED = 'atelier:navigated';

export function navigate(to: string): void {
  if (to !== window.location.pathname + window.location.search) window.history.pushState({}, '', to);
  window.dispatchEvent(new Event(NAVIGATED));
  window.scrollTo?.(0, 0);
}

export function usePath(): string {
  const [path, setPath] = useState(() => window.location.pathname);
  useEffect(() => {
    const update = () => setPath(window.location.pathname);
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return path;
}
