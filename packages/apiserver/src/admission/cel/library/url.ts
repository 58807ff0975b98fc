/**
 * Kubernetes' CEL URL library (k8s.io/apiserver/pkg/cel/library/urls.go): `url(s)` (an absolute
 * URI, or an absolute path), `isURL(s)`, and on a URL `getScheme()`, `getHost()`,
 * `getHostname()`, `getPort()`, `getEscapedPath()`, `getQuery()`. Parsed with the WHATWG URL
 * parser, which normalises a little more than Go's url.Parse (e.g. lower-cases the scheme).
 * Like quantities, a URL is a one-entry map `{'@url': text}` (@bufbuild/cel has no opaque types).
 */
import { CelScalar, celFunc, celMethod, isCelMap } from '@bufbuild/cel';
import type { CelFunc, CelMap } from '@bufbuild/cel';

const KEY = '@url';
const RELATIVE_BASE = 'relative:///';

function parse(text: string): URL | undefined {
  if (text.startsWith('/')) {
    try {
      return new URL(text, RELATIVE_BASE);
    } catch {
      return undefined;
    }
  }
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(text)) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function urlOf(target: unknown, method: string): { url: URL; relative: boolean } {
  if (isCelMap(target) && (target as CelMap).size === 1) {
    const text = (target as CelMap).get(KEY);
    if (typeof text === 'string') {
      const url = parse(text);
      if (url) return { url, relative: text.startsWith('/') };
    }
  }
  throw new Error(`no such overload: ${method} applies to a URL`);
}

const method = (name: string, fn: (u: { url: URL; relative: boolean }) => unknown) =>
  celMethod(name, CelScalar.DYN, [], CelScalar.DYN, function () {
    return fn(urlOf(this, name)) as never;
  });

export const urlLibrary: CelFunc[] = [
  celFunc('url', [CelScalar.STRING], CelScalar.DYN, (text) => {
    if (!parse(text)) throw new Error(`URL parse error during conversion from string: ${text}`);
    return { [KEY]: text } as never;
  }),
  celFunc('isURL', [CelScalar.STRING], CelScalar.BOOL, (text) => parse(text) !== undefined),
  method('getScheme', ({ url, relative }) => (relative ? '' : url.protocol.slice(0, -1))),
  method('getHost', ({ url, relative }) => (relative ? '' : url.host)),
  method('getHostname', ({ url, relative }) => (relative ? '' : url.hostname.replace(/^\[(.*)\]$/, '$1'))),
  method('getPort', ({ url, relative }) => (relative ? '' : url.port)),
  method('getEscapedPath', ({ url }) => url.pathname),
  method('getQuery', ({ url }) => {
    const query: Record<string, string[]> = {};
    for (const [key, value] of url.searchParams) (query[key] ??= []).push(value);
    return query;
  }),
];
