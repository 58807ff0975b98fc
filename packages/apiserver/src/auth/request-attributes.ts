/**
 * What a request asks to do, in authorization terms — k8s' RequestInfoFactory: for
 * `/apis/{group}/{version}/[namespaces/{ns}/]{resource}[/{name}[/{subresource}]]` a resource
 * request with verb, group, version, resource, subresource, namespace and name; anything else
 * (discovery, /openapi, /healthz) a non-resource request with the lower-cased HTTP method as verb.
 *
 * One deliberate difference: k8s splits the *decoded* path, so `widgets/a%2Fb` would be name "a"
 * with subresource "b". Express routes on the raw path and decodes parameters afterwards (name
 * "a/b"), so we split the raw path and decode each segment: what is authorised is exactly what
 * the router will serve.
 */

export interface ResourceAttributes {
  resourceRequest: true;
  verb: string;
  /** The request path, as the client sent it. */
  path: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
}

export interface NonResourceAttributes {
  resourceRequest: false;
  verb: string;
  path: string;
}

export type RequestAttributes = ResourceAttributes | NonResourceAttributes;

export interface RequestLine {
  method: string;
  /** Path without the query string, not decoded. */
  path: string;
  query: URLSearchParams;
}

const VERB_BY_METHOD: Record<string, string> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

// The subresources of a namespace object itself (`/namespaces/x/status`), as k8s lists them.
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** Verbs that only read; everything else counts as mutating (k8s' max-in-flight split). */
export const READ_ONLY_VERBS: ReadonlySet<string> = new Set(['get', 'list', 'watch']);

export function requestAttributes(line: RequestLine): RequestAttributes {
  const nonResource: NonResourceAttributes = {
    resourceRequest: false,
    verb: line.method.toLowerCase(),
    path: line.path,
  };
  const segments = line.path.split('/').filter((s) => s !== '');
  // /apis/{group}/{version} and shorter are discovery; the legacy /api group has no resources here.
  if (segments[0] !== 'apis' || segments.length < 4) return nonResource;
  const verb = VERB_BY_METHOD[line.method.toUpperCase()];
  if (verb === undefined) return nonResource;
  const [, apiGroup = '', apiVersion = ''] = segments.map(decodeSegment);
  let parts = segments.slice(3).map(decodeSegment);
  let attributes: ResourceAttributes = {
    resourceRequest: true,
    verb,
    path: line.path,
    apiGroup,
    apiVersion,
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
  };
  // The long-deprecated /watch/ prefix still means watch in k8s.
  if (parts[0] === 'watch') {
    attributes.verb = 'watch';
    parts = parts.slice(1);
  }
  if (parts[0] === 'namespaces' && parts.length > 1) {
    attributes.namespace = parts[1]!;
    // `/namespaces/x` is the namespace object itself; `/namespaces/x/widgets` a resource in it.
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2);
  }
  attributes = { ...attributes, resource: parts[0] ?? '', name: parts[1] ?? '', subresource: parts[2] ?? '' };
  return refineCollectionVerb(attributes, line.query);
}

/** get/delete without a name are list (or watch) and deletecollection; a list may name one object. */
function refineCollectionVerb(attributes: ResourceAttributes, query: URLSearchParams): ResourceAttributes {
  if (attributes.name !== '') return attributes;
  if (attributes.verb === 'delete') return { ...attributes, verb: 'deletecollection' };
  if (attributes.verb !== 'get') return attributes;
  const refined = { ...attributes, verb: isWatch(query) ? 'watch' : 'list' };
  const named = nameFromFieldSelector(query.get('fieldSelector'));
  return named === undefined ? refined : { ...refined, name: named };
}

/** `?watch=` as strconv.ParseBool reads it. */
export function isWatch(query: URLSearchParams): boolean {
  const value = query.get('watch');
  return value !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value);
}

/** `metadata.name=x` (or `==`) in a field selector: the request is about that one object. */
function nameFromFieldSelector(selector: string | null): string | undefined {
  if (!selector) return undefined;
  for (const term of selector.split(',')) {
    const match = /^\s*metadata\.name\s*==?\s*([^\s!=]*)\s*$/.exec(term);
    // As k8s: only a name that could be a path segment counts.
    if (match?.[1] && match[1] !== '.' && match[1] !== '..' && !/[/%]/.test(match[1])) return match[1];
  }
  return undefined;
}

function decodeSegment(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    // Express answers a malformed escape with 400 before any handler runs; keep it as sent.
    return segment;
  }
}
