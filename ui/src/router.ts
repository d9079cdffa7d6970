/**
 * Hash routes (`#/workflows/daily_store_revenue`): the daemon serves one index.html at `/`, so no
 * path of the API is ever mistaken for a page.
 */
import { useEffect, useState } from 'react';

export type Route =
  | { page: 'workflows' }
  | { page: 'editor'; name: string; version?: number }
  | { page: 'new' }
  | { page: 'runs'; workflow?: string; status?: string }
  | { page: 'run'; id: string };

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'workflows' && parts[1]) {
    const v = Number(params.get('version'));
    return { page: 'editor', name: parts[1], ...(Number.isInteger(v) && v > 0 ? { version: v } : {}) };
  }
  if (parts[0] === 'new') return { page: 'new' };
  if (parts[0] === 'runs' && parts[1]) return { page: 'run', id: parts[1] };
  if (parts[0] === 'runs')
    return {
      page: 'runs',
      ...(params.get('workflow') ? { workflow: params.get('workflow')! } : {}),
      ...(params.get('status') ? { status: params.get('status')! } : {}),
    };
  return { page: 'workflows' };
}

export function href(route: Route): string {
  const e = encodeURIComponent;
  switch (route.page) {
    case 'workflows':
      return '#/';
    case 'new':
      return '#/new';
    case 'editor':
      return `#/workflows/${e(route.name)}${route.version ? `?version=${route.version}` : ''}`;
    case 'runs': {
      const p = new URLSearchParams();
      if (route.workflow) p.set('workflow', route.workflow);
      if (route.status) p.set('status', route.status);
      const s = p.toString();
      return `#/runs${s ? `?${s}` : ''}`;
    }
    case 'run':
      return `#/runs/${e(route.id)}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = href(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
