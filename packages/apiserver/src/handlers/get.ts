/** GET one object. */
import type { RegistryStore } from '../registry/store';
import type { KubeObject } from '../storage/interface';
import type { ObjectResult } from './result';

/**
 * Most GETs forward the stored JSON as it is: the object is decoded only if someone reads it
 * (a Table, YAML or metadata-only answer).
 */
class StoredObjectResult implements ObjectResult {
  readonly type = 'object';
  code = 200;
  readonly warnings: string[] = [];
  private decoded: KubeObject | undefined;

  constructor(readonly serialized: string) {}

  get object(): KubeObject {
    return (this.decoded ??= JSON.parse(this.serialized) as KubeObject);
  }
}

export async function getObject(
  store: RegistryStore,
  target: { namespace: string; name: string },
): Promise<ObjectResult> {
  return new StoredObjectResult(await store.getSerialized(target.namespace, target.name));
}
