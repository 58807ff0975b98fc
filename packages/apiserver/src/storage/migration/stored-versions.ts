/**
 * Which versions a kind's objects are stored in, counted from the store itself (a CRD keeps the
 * same fact as `status.storedVersions`). Objects are written in the storage version, so an
 * older version stays only in objects nobody has written since the storage version moved;
 * `pwk-storage migrate-version` rewrites them.
 */
import type { Storage } from '../interface';
import type { ResourceRef } from './copy-objects';

/** The apiVersion at the head of a stored object's JSON, as the server writes it; undefined if elsewhere. */
const LEADING_API_VERSION = /^\{"apiVersion":"([^"\\]*)"/;

/** Objects of `ref` per stored apiVersion (`group/version`), read page by page. */
export async function countStoredVersions(
  storage: Storage,
  ref: ResourceRef,
  pageSize = 500,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const add = (apiVersion: string) => counts.set(apiVersion, (counts.get(apiVersion) ?? 0) + 1);
  let token: string | undefined;
  do {
    const page = await storage.list({ ...ref, limit: pageSize, continue: token });
    // Where the store keeps the bytes, read the version off them rather than decode every object.
    const serialized = page.serializedItems;
    if (serialized) {
      serialized.forEach((json, i) =>
        add(LEADING_API_VERSION.exec(json)?.[1] ?? String(page.items[i]!.apiVersion)),
      );
    } else {
      for (const obj of page.items) add(String(obj.apiVersion));
    }
    token = page.continue;
  } while (token);
  return counts;
}
