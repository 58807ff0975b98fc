/**
 * The etcd key layout, as Kubernetes uses it: `<prefix>/<group>/<resource>/<namespace>/<name>`
 * (no namespace segment for cluster-scoped objects). Keys sort in etcd's byte order, which is
 * the `namespace/name` order every backend lists in.
 */
import type { CollectionKey, ObjectKey } from '../interface';
import { objectId } from '../keys';

/** `/registry`, `registry/` and `/registry/` all mean `/registry`; '' or '/' mean the root. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

export class EtcdKeys {
  readonly prefix: string;

  constructor(prefix: string) {
    this.prefix = normalizePrefix(prefix);
  }

  /** Everything of one resource: `<prefix>/<group>/<resource>/`. */
  collection(key: { group: string; resource: string }): string {
    return `${this.prefix}/${key.group}/${key.resource}/`;
  }

  /** The range a list or watch covers: the collection, or one namespace of it. */
  scope(key: CollectionKey): string {
    const base = this.collection(key);
    return key.namespace ? `${base}${key.namespace}/` : base;
  }

  object(key: ObjectKey): string {
    return `${this.collection(key)}${objectId(key.namespace, key.name)}`;
  }

  /** The `namespace/name` id of a key within `collection` (the continue token's `start`). */
  idOf(collection: string, key: string): string {
    return key.slice(collection.length);
  }

  /** A key read by availability probes; no object key can equal it. */
  get healthKey(): string {
    return `${this.prefix}/health`;
  }
}

/**
 * The end of etcd's range for every key starting with `prefix`: the prefix with its last byte
 * plus one. (UTF-8 never contains 0xff, so the last byte can always be incremented.)
 */
export function prefixEnd(prefix: string): Buffer {
  const end = Buffer.from(prefix);
  end[end.length - 1]! += 1;
  return end;
}
