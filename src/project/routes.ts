import type { Route } from './svl-json.js';

// svl.json "routes": method + path pattern → function, first match wins. Patterns are API Gateway's:
// literal segments, `{name}` for exactly one segment, `{name+}` (last only) for one or more.

type Segment = { kind: 'literal'; text: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

const cache = new Map<string, Segment[]>();

function segments(pattern: string): Segment[] {
  let parsed = cache.get(pattern);
  if (!parsed) {
    parsed = pattern
      .split('/')
      .filter(Boolean)
      .map((s): Segment => {
        const m = /^\{([A-Za-z_][A-Za-z0-9_]*)(\+?)\}$/.exec(s);
        if (!m) return { kind: 'literal', text: s };
        return m[2] ? { kind: 'greedy', name: m[1]! } : { kind: 'param', name: m[1]! };
      });
    cache.set(pattern, parsed);
  }
  return parsed;
}

const methodOf = (r: Route) => (r.method ?? 'ANY').toUpperCase();

/** The path parameters when `route` matches the request, else undefined. */
export function matchesRoute(route: Route, method: string, pathname: string): Record<string, string> | undefined {
  const m = methodOf(route);
  if (m !== 'ANY' && m !== method.toUpperCase()) return undefined;
  const want = segments(route.path);
  const got = pathname.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (w.kind === 'greedy') {
      if (got.length <= i) return undefined;
      params[w.name] = got.slice(i).map(decode).join('/');
      return params;
    }
    const g = got[i];
    if (g === undefined) return undefined;
    if (w.kind === 'literal' && w.text !== g) return undefined;
    if (w.kind === 'param') params[w.name] = decode(g);
  }
  return got.length === want.length ? params : undefined;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** True when `a` matches every request `b` would match, so `b` placed after `a` can never be reached. */
export function routeCovers(a: Route, b: Route): boolean {
  const ma = methodOf(a);
  if (ma !== 'ANY' && ma !== methodOf(b)) return false;
  const sa = segments(a.path);
  const sb = segments(b.path);
  for (let i = 0; i < sa.length; i++) {
    const x = sa[i]!;
    const y = sb[i];
    if (x.kind === 'greedy') return y !== undefined;
    if (y === undefined || y.kind === 'greedy') return false;
    if (x.kind === 'literal' && (y.kind !== 'literal' || y.text !== x.text)) return false;
  }
  return sa.length === sb.length;
}
