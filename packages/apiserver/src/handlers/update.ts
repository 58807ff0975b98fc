/** PUT one object: replace it under its resourceVersion precondition. */
import type { KubeObject } from '../storage/interface';
import type { RegistryStore, WriteOptions } from '../registry/store';
import type { ObjectResult } from './result';

export async function updateObject(
  store: RegistryStore,
  request: { namespace: string; name: string; body: KubeObject; options: WriteOptions },
): Promise<ObjectResult> {
  const { object, warnings } = await store.update(request, request.body, request.options);
  return { type: 'object', code: 200, object, warnings };
}
