/**
 * DELETE a collection: every object matching the selectors, with the request's DeleteOptions
 * (the namespace controller sends one per resource when a namespace goes), answered as the list
 * of what was deleted or marked.
 */
import { NotFoundError } from '../storage/errors';
import { StatusError } from '../errors/status-error';
import type { DeletionOptions } from '../registry/deletion';
import type { KubeObject } from '../storage/interface';
import type { RegistryStore } from '../registry/store';
import type { ListParams } from './params';
import { selectorFilter } from './filter';
import type { ListResultBody } from './result';

export async function deleteCollection(
  store: RegistryStore,
  request: { namespace?: string; params: ListParams; options: DeletionOptions },
): Promise<ListResultBody> {
  const { group, version, listKind } = store.strategy;
  const listed = await store.list({
    namespace: request.namespace,
    filter: selectorFilter(request.params.labelSelector, request.params.fieldSelector),
  });
  const deleted: KubeObject[] = [];
  const warnings = new Set<string>();
  for (const item of listed.items) {
    const target = { namespace: String(item.metadata.namespace ?? ''), name: String(item.metadata.name) };
    try {
      // The same options for every object, preconditions included, as the generic registry does.
      const result = await store.delete(target, request.options);
      deleted.push(result.object);
      for (const warning of result.warnings) warnings.add(warning);
    } catch (err) {
      // Deleted by someone else meanwhile: that is the outcome we wanted.
      if (err instanceof NotFoundError || (err instanceof StatusError && err.code === 404)) continue;
      throw err;
    }
  }
  return {
    type: 'list',
    code: 200,
    list: {
      apiVersion: `${group}/${version}`,
      kind: listKind,
      metadata: { resourceVersion: String(await store.currentRevision()) },
      items: deleted,
    },
    warnings: [...warnings],
  };
}
