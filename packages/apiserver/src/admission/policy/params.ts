/**
 * A binding's params (kube's generic.CollectParams): none when the policy has no paramKind or
 * the binding no paramRef (the policy then runs once, with `params` null); else the object named
 * by paramRef.name, or every object paramRef.selector selects, from an informer of the param
 * kind — in paramRef.namespace, else the request's namespace. Nothing found is fine under
 * parameterNotFoundAction Allow and a configuration error under Deny. Param kinds pwk can read:
 * v1 ConfigMap (an informer made when a policy first names the kind).
 */
import type { CachedObject, Informer } from '../../cluster/informer';
import { InvalidSelectorError, labelSelectorMatcher } from '../webhook/label-selector-spec';
import type { ParamKind, ParamRef } from './types';

export class ParamError extends Error {}

export interface ParamInformer {
  namespaced: boolean;
  informer: Pick<Informer<CachedObject>, 'hasSynced' | 'waitForSync' | 'get' | 'list'>;
}

/** The informer of a param kind, or undefined for a kind pwk cannot read. */
export type ParamInformers = (kind: ParamKind) => ParamInformer | undefined;

/** The kinds pwk can read params of: where the core API serves them, and their scope. */
export const PARAM_KINDS: Readonly<Record<string, { path: string; namespaced: boolean }>> = {
  'v1/ConfigMap': { path: '/api/v1/configmaps', namespaced: true },
};

export const paramKindKey = (kind: ParamKind) => `${kind.apiVersion ?? ''}/${kind.kind ?? ''}`;

/** kube prints the ParamKind with Go's %v of a pointer to the struct. */
const describe = (kind: ParamKind) =>
  `&ParamKind{APIVersion:${kind.apiVersion ?? ''},Kind:${kind.kind ?? ''},}`;

/** How long a request waits for a param informer's first list (kube: 1 s). */
const PARAM_SYNC_TIMEOUT_MS = 1_000;

export async function collectParams(opts: {
  paramKind: ParamKind | undefined;
  paramRef: ParamRef | undefined;
  namespace: string;
  informers: ParamInformers;
}): Promise<Array<CachedObject | null>> {
  const { paramKind, paramRef } = opts;
  if (!paramKind || !paramRef) return [null];
  const source = opts.informers(paramKind);
  if (!source) throw new ParamError(`paramKind kind \`${describe(paramKind)}\` not known`);
  let namespace: string | undefined;
  if (source.namespaced) {
    namespace = paramRef.namespace || opts.namespace;
    if (!namespace) {
      throw new ParamError(
        'cannot use namespaced paramRef in policy binding that matches cluster-scoped resources',
      );
    }
  } else if (paramRef.namespace) {
    throw new ParamError('paramRef.namespace must not be provided for a cluster-scoped `paramKind`');
  }
  if (!source.informer.hasSynced() && !(await source.informer.waitForSync(PARAM_SYNC_TIMEOUT_MS))) {
    throw new ParamError(`paramKind kind \`${describe(paramKind)}\` not yet synced to use for admission`);
  }
  let params: CachedObject[];
  if (paramRef.name) {
    if (paramRef.selector) throw new ParamError('paramRef.name and paramRef.selector are mutually exclusive');
    const found = source.informer.get(namespace ?? '', paramRef.name);
    params = found ? [found] : [];
  } else if (paramRef.selector) {
    let selector;
    try {
      selector = labelSelectorMatcher(paramRef.selector);
    } catch (err) {
      if (err instanceof InvalidSelectorError) throw new ParamError(err.message);
      throw err;
    }
    params = source.informer
      .list(namespace)
      .filter((p) => selector.matches(p.metadata.labels as Record<string, string> | undefined))
      .sort((a, b) => (String(a.metadata.name) < String(b.metadata.name) ? -1 : 1));
  } else {
    throw new ParamError('one of name or selector must be provided');
  }
  if (params.length === 0 && paramRef.parameterNotFoundAction === 'Deny') {
    throw new ParamError('no params found for policy binding with `Deny` parameterNotFoundAction');
  }
  return params;
}
