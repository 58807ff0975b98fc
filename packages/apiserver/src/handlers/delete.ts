/**
 * DELETE one object. Gone at once → a Success Status naming it (what a CRD answers); still
 * held by finalizers → the object with its deletionTimestamp.
 */
import type { Preconditions } from '../storage/interface';
import type { RegistryStore } from '../registry/store';
import type { ObjectResult, StatusResult } from './result';

export interface DeleteRequest {
  namespace: string;
  name: string;
  preconditions?: Preconditions;
  dryRun: boolean;
}

export async function deleteObject(
  store: RegistryStore,
  request: DeleteRequest,
): Promise<ObjectResult | StatusResult> {
  const { pending, object } = await store.delete(request, request);
  if (pending) return { type: 'object', code: 200, object, warnings: [] };
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
    warnings: [],
  };
}
