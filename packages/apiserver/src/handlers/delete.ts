/**
 * DELETE one object. Gone at once → a Success Status naming it (what a CRD answers); still there
 * (finalizers, or the garbage collector's Orphan / Foreground work) → the object with its
 * deletionTimestamp: 200, or 202 when the deprecated `orphanDependents: false` asked for the
 * cascade, as the k8s delete handler answers.
 */
import type { DeletionOptions } from '../registry/deletion';
import type { RegistryStore } from '../registry/store';
import type { ObjectResult, StatusResult } from './result';

export interface DeleteRequest {
  namespace: string;
  name: string;
  options: DeletionOptions;
}

export async function deleteObject(
  store: RegistryStore,
  request: DeleteRequest,
): Promise<ObjectResult | StatusResult> {
  const { pending, object, warnings } = await store.delete(request, request.options);
  if (pending) {
    const code = request.options.orphanDependents === false ? 202 : 200;
    return { type: 'object', code, object, warnings };
  }
  return {
    type: 'status',
    code: 200,
    status: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      code: 200,
      details: {
        name: request.name,
        group: store.strategy.group,
        kind: store.strategy.resource,
        uid: object.metadata.uid,
      },
    },
    warnings,
  };
}
