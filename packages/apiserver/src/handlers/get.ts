/** GET one object. */
import type { RegistryStore } from '../registry/store';
import type { ObjectResult } from './result';

export async function getObject(
  store: RegistryStore,
  target: { namespace: string; name: string },
): Promise<ObjectResult> {
  const object = await store.get(target.namespace, target.name);
  return { type: 'object', code: 200, object, warnings: [] };
}
