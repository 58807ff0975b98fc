/**
 * The check the file store runs on every object it loads at start-up (storage/file/
 * object-check.ts): the kind's own validation — the schema of the version the object is stored
 * at (its apiVersion; the storage version when that names none) — so that an object hand-edited
 * into something the API would refuse (`spec.replicas: "lots"`, an unknown field) is
 * quarantined rather than served.
 *
 * The store is handed this module's path, not the function: its scan runs in a worker thread,
 * which loads this module itself, and with it the installed kinds.
 */
import type { KindDefinition } from '@pwk/api';
import { REGISTERED_KINDS } from '../apis/registered-kinds';
import type { StoredObjectCheck, StoredObjectCheckRef } from '../storage/file/object-check';

/** The check over these kinds: each stored object against its kind's schema (`group/plural` collections). */
export function objectCheckFor(kinds: readonly KindDefinition[]): StoredObjectCheck {
  const byCollection = new Map(kinds.map((k) => [`${k.group}/${k.plural}`, k]));
  return (collection, obj) => {
    const kind = byCollection.get(collection);
    // A collection no kind is served from is never read: nothing to check it against.
    if (!kind) return undefined;
    const apiVersion = (obj as { apiVersion?: unknown } | null)?.apiVersion;
    const version = kind.versions.find((v) => v.apiVersion === apiVersion) ?? kind.storageVersion;
    const { errors, unknownFields } = version.validate(obj);
    const problems = [
      ...errors.map((e) => `${e.field}: ${e.message}`),
      ...unknownFields.map((f) => `unknown field "${f}"`),
    ];
    if (problems.length === 0) return undefined;
    // As field.ErrorList.ToAggregate() prints: one error bare, several in brackets.
    return problems.length === 1 ? problems[0] : `[${problems.join(', ')}]`;
  };
}

/** A StoredObjectCheck over the installed kinds, in 422 wording. */
export const checkLoadedObject: StoredObjectCheck = objectCheckFor(REGISTERED_KINDS);

export const loadedObjectCheck: StoredObjectCheckRef = {
  module: __filename,
  exportName: 'checkLoadedObject',
};
