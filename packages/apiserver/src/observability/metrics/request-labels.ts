/**
 * The labels kube-apiserver's request metrics carry (k8s.io/apiserver/pkg/endpoints/metrics:
 * MonitorRequest, CleanScope, CanonicalVerb, cleanVerb, cleanDryRun), worked out from the
 * request's attributes so pwk's series line up with a kube-apiserver's in the same dashboards:
 * `verb` is the upper-case HTTP method with GET split into GET/LIST by scope, WATCH for
 * `?watch=` or the /watch/ prefix and APPLY for an apply patch; DELETE of a collection stays
 * DELETE and POST stays POST, as kube reports them.
 */
import type { RequestAttributes } from '../../auth/request-attributes';

/** kube's request metric labels, minus `code`, `component` and `dry_run`. */
export interface RequestLabels {
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  scope: string;
}

const APPLY_PATCH = 'application/apply-patch+yaml';

// kube's validRequestMethods: anything else is reported as `other`.
const REPORTED_VERBS = new Set([
  'APPLY',
  'CONNECT',
  'CREATE',
  'DELETE',
  'DELETECOLLECTION',
  'GET',
  'LIST',
  'PATCH',
  'POST',
  'PROXY',
  'PUT',
  'UPDATE',
  'WATCH',
  'WATCHLIST',
]);

/** kube's CleanScope. */
export function metricScope(attributes: RequestAttributes): string {
  if (!attributes.resourceRequest) return '';
  if (attributes.name !== '' || attributes.verb === 'create') return 'resource';
  return attributes.namespace !== '' ? 'namespace' : 'cluster';
}

export interface VerbInput {
  method: string;
  attributes: RequestAttributes;
  /** The first `?watch=` value, if any. */
  watchParam: string | undefined;
  contentType: string | undefined;
}

/** kube's reported verb: CanonicalVerb, then cleanVerb. */
export function metricVerb(input: VerbInput, scope: string): string {
  const method = input.method.toUpperCase();
  const isGet = method === 'GET' || method === 'HEAD';
  if (input.attributes.verb === 'watch' && isGet) return 'WATCH';
  if (method === 'GET' && input.watchParam !== undefined) {
    const value = input.watchParam.toLowerCase();
    if (value !== '0' && value !== 'false') return 'WATCH';
  }
  let verb = isGet ? (scope !== 'resource' && scope !== '' ? 'LIST' : 'GET') : method;
  if (verb === 'PATCH' && input.contentType === APPLY_PATCH) verb = 'APPLY';
  return REPORTED_VERBS.has(verb) ? verb : 'other';
}

/** kube's cleanDryRun: '' without the parameter, else its distinct values sorted and joined. */
export function metricDryRun(values: string | string[] | undefined): string {
  if (values === undefined) return '';
  const list = Array.isArray(values) ? values : [values];
  // kube's ValidateDryRun: only `All`, once.
  if (list.some((v) => v !== 'All')) return 'invalid';
  return [...new Set(list)].sort().join(',');
}

/** The labels of a request (resource fields empty for a non-resource one). */
export function requestLabels(input: VerbInput): RequestLabels {
  const { attributes } = input;
  const scope = metricScope(attributes);
  const verb = metricVerb(input, scope);
  if (!attributes.resourceRequest) {
    return { verb, group: '', version: '', resource: '', subresource: '', scope };
  }
  return {
    verb,
    group: attributes.apiGroup,
    version: attributes.apiVersion,
    resource: attributes.resource,
    subresource: attributes.subresource,
    scope,
  };
}
