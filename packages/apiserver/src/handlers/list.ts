/** GET a collection: one namespace or all, with selectors, paging and resourceVersion semantics. */
import type { ListParams } from './params';
import type { RegistryStore } from '../registry/store';
import { selectorFilter } from './filter';
import type { ListResultBody } from './result';

export async function listObjects(
  store: RegistryStore,
  request: { namespace?: string; params: ListParams },
): Promise<ListResultBody> {
  const { params } = request;
  const { group, version, listKind } = store.strategy;
  const result = await store.list({
    namespace: request.namespace,
    filter: selectorFilter(params.labelSelector, params.fieldSelector),
    limit: params.limit,
    continue: params.continue,
    resourceVersion: params.resourceVersion,
    // Without a match, a non-zero resourceVersion with a limit is served exactly (the legacy
    // paging semantics Kubernetes keeps: such lists go to etcd at that revision).
    resourceVersionMatch:
      params.resourceVersionMatch ??
      (params.limit !== undefined && params.resourceVersion ? 'Exact' : undefined),
  });
  const metadata: ListResultBody['list']['metadata'] = { resourceVersion: String(result.revision) };
  if (result.continue) metadata.continue = result.continue;
  if (result.remainingItemCount !== undefined) metadata.remainingItemCount = result.remainingItemCount;
  const answer: ListResultBody = {
    type: 'list',
    code: 200,
    list: {
      apiVersion: `${group}/${version}`,
      kind: listKind,
      metadata,
      // Read lazily: a list answered with its stored JSON never decodes its items.
      get items() {
        return result.items;
      },
      set items(items) {
        result.items = items;
        delete answer.serializedItems;
      },
    },
    warnings: [],
  };
  if (result.serializedItems) answer.serializedItems = result.serializedItems;
  return answer;
}
