/**
 * Key checks shared by every backend: a key segment that is not a valid Kubernetes name can
 * never name a stored object, and (for the file store) could otherwise escape the data dir.
 */
import { isDNS1123Label, isDNS1123Subdomain } from '@pwk/api';
import { InvalidKeyError } from './errors';
import type { CollectionKey, ObjectKey } from './interface';

function check(what: string, value: string, problems: string[]): void {
  if (problems.length > 0) {
    throw new InvalidKeyError(`invalid ${what} ${JSON.stringify(value)}: ${problems.join('; ')}`);
  }
}

export function assertValidCollectionKey(key: CollectionKey): void {
  check('group', key.group, isDNS1123Subdomain(key.group));
  check('resource', key.resource, isDNS1123Label(key.resource));
  if (key.namespace) check('namespace', key.namespace, isDNS1123Label(key.namespace));
}

export function assertValidObjectKey(key: ObjectKey): void {
  assertValidCollectionKey(key);
  check('name', key.name, isDNS1123Subdomain(key.name));
}

/** `namespace/name`, or `name` for cluster-scoped objects: the sort key within a collection (etcd's order). */
export function objectId(namespace: string, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export function collectionId(key: { group: string; resource: string }): string {
  return `${key.group}/${key.resource}`;
}
