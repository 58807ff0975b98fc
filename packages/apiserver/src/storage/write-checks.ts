/**
 * The checks every backend makes before a write, so that the file and etcd stores answer with
 * the same errors and messages: the object must match its key, preconditions must hold, and an
 * update that changes nothing is not written.
 */
import { ConflictError, InvalidObjectError } from './errors';
import type { KubeObject, ObjectKey, Preconditions } from './interface';
import { jsonEqual } from './json-equal';

const OBJECT_MODIFIED =
  'the object has been modified; please apply your changes to the latest version and try again';

export function assertMatchesKey(key: ObjectKey, obj: KubeObject): void {
  const meta = obj?.metadata;
  if (!meta || meta.name !== key.name || (meta.namespace ?? '') !== key.namespace) {
    throw new InvalidObjectError(`object metadata does not match its key ${key.namespace}/${key.name}`, key);
  }
}

/** Deep-equal apart from resourceVersion. */
export function unchanged(current: KubeObject, next: KubeObject): boolean {
  const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return jsonEqual(strip(current), strip(next));
}

export function checkPreconditions(
  key: ObjectKey,
  current: KubeObject,
  pre: Preconditions | undefined,
): void {
  if (!pre) return;
  if (pre.uid !== undefined && pre.uid !== current.metadata.uid) {
    throw new ConflictError(
      key,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ''}`,
    );
  }
  if (pre.resourceVersion !== undefined && pre.resourceVersion !== current.metadata.resourceVersion) {
    throw new ConflictError(key, OBJECT_MODIFIED);
  }
}
