// A router small enough to read in one go: a route is a method and a path pattern such as
// `/api/jobs/:id/cancel`. Pure: it matches strings and knows nothing about requests.

export interface Route<H> {
  method: 'GET' | 'POST';
  /** Literal segments and `:name` parameters, e.g. `/api/videos/:id`. */
  path: string;
  handler: H;
}

export type RouteMatch<H> =
  | { kind: 'found'; handler: H; params: Record<string, string> }
  /** The path exists, the method does not: answer 405 with an `Allow` header. */
  | { kind: 'method_not_allowed'; allow: string[] }
  | { kind: 'not_found' };

const segments = (path: string) => path.split('/').filter(Boolean);

/** The parameters of `pathname` under `pattern`, or null if it does not match. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = segments(pattern);
  const got = segments(pathname);
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const actual = got[i]!;
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(actual);
      } catch {
        return null; // a malformed %-escape is no path of ours
      }
    } else if (part !== actual) {
      return null;
    }
  }
  return params;
}

export function matchRoute<H>(routes: readonly Route<H>[], method: string | undefined, pathname: string): RouteMatch<H> {
  const allow = new Set<string>();
  for (const route of routes) {
    const params = matchPath(route.path, pathname);
    if (!params) continue;
    // HEAD is GET without a body: node:http drops the body for us.
    if (route.method === method || (route.method === 'GET' && method === 'HEAD')) return { kind: 'found', handler: route.handler, params };
    allow.add(route.method);
  }
  return allow.size > 0 ? { kind: 'method_not_allowed', allow: [...allow] } : { kind: 'not_found' };
}

/** A path parameter that must be a database id (a positive 32-bit integer), or null. */
export function parseId(value: string | undefined): number | null {
  if (value === undefined || !/^[1-9][0-9]{0,9}$/.test(value)) return null;
  const id = Number(value);
  return id <= 2_147_483_647 ? id : null;
}
