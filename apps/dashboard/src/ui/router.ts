import { useEffect, useState } from 'preact/hooks';

/** The views, in navigation order; the location hash (#/series?metric=x) names one, so links and reloads keep it. */
export const VIEWS = ['catalog', 'series', 'incidents', 'patterns', 'privacy'] as const;
export type View = (typeof VIEWS)[number];

export interface Route {
  view: View;
  params: Record<string, string>;
}

export const parseRoute = (hash: string): Route => {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const view = (VIEWS as readonly string[]).includes(path) ? (path as View) : 'catalog';
  return { view, params: Object.fromEntries(new URLSearchParams(query)) };
};

export const routeHash = (view: View, params: Record<string, string> = {}): string => {
  const query = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== '')).toString();
  return `#/${view}${query ? `?${query}` : ''}`;
};

export const navigate = (view: View, params: Record<string, string> = {}): void => {
  window.location.hash = routeHash(view, params);
};

/**
 * Rewrites the current view's parameters without a new history entry (pickers, not navigation).
 * replaceState fires no hashchange, so one is dispatched for useRoute.
 */
export const replaceParams = (view: View, params: Record<string, string>): void => {
  window.history.replaceState(null, '', routeHash(view, params));
  window.dispatchEvent(new HashChangeEvent('hashchange'));
};

export const useRoute = (): Route => {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
};
