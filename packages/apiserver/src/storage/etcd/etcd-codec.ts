/**
 * Objects in etcd: the value is the object's JSON without `metadata.resourceVersion`; on the way
 * out the resourceVersion is the key's mod_revision (as Kubernetes' etcd3 store does), so it can
 * never disagree with the revision etcd actually committed.
 */
import { CorruptError } from '../errors';
import type { KubeObject, ObjectKey } from '../interface';

export function encodeObject(obj: KubeObject): string {
  const { resourceVersion: _omitted, ...metadata } = obj.metadata;
  return JSON.stringify({ ...obj, metadata });
}

/** Parses a stored value and stamps it with `revision`; every call returns a fresh object. */
export function decodeObject(value: Buffer | string, revision: string | number, key?: ObjectKey): KubeObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString());
  } catch {
    throw new CorruptError('a stored object is not valid JSON', key);
  }
  if (parsed === null || typeof parsed !== 'object' || typeof (parsed as KubeObject).metadata !== 'object') {
    throw new CorruptError('a stored object has no metadata', key);
  }
  const obj = parsed as KubeObject;
  obj.metadata = { ...obj.metadata, resourceVersion: String(revision) };
  return obj;
}
