/** PATCH with application/apply-patch+yaml: server-side apply, 201 when it created the object. */
import type { RegistryStore, WriteOptions } from '../registry/store';
import type { ObjectResult } from './result';

export async function applyObject(
  store: RegistryStore,
  request: { namespace: string; name: string; applied: unknown; force: boolean; options: WriteOptions },
): Promise<ObjectResult> {
  const { object, warnings, created } = await store.apply(request, request.applied, request);
  return { type: 'object', code: created ? 201 : 200, object, warnings };
}
