/** GET one object. */
import type { RegistryStore } from '../registry/store';
import type { KubeObject } from '../storage/interface';
import type { ObjectResult } from './result';

export async function getObject(
  store: RegistryStore,
  target: { namespace: string; name: string },
): Promise<ObjectResult> {
  // Most GETs forward the stored JSON as it is: the object is decoded only if someone reads it
  // (a Table, YAML or metadata-only answer).
  const serialized = await store.getSerialized(target.namespace, target.name);
  let object: KubeObject | undefined;
  return {
    type: 'object',
    code: 200,
    get object() {
      return (object ??= JSON.parse(serialized) as KubeObject);
    },
    serialized,
    warnings: [],
  };
}
