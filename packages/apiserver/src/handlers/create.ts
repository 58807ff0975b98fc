/** POST to a collection: 201 with the stored object (200 for a dry run, as Kubernetes answers). */
import type { KubeObject } from '../storage/interface';
import type { RegistryStore, WriteOptions } from '../registry/store';
import type { ObjectResult } from './result';

export async function createObject(
  store: RegistryStore,
  request: { namespace: string; body: KubeObject; options: WriteOptions },
): Promise<ObjectResult> {
  const { object, warnings } = await store.create(request.namespace, request.body, request.options);
  return { type: 'object', code: 201, object, warnings };
}
