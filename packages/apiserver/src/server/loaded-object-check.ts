/**
 * The check the file store runs on every object it loads at start-up (storage/file/
 * object-check.ts): the kind's own validation — its strategy's, which is the Zod schema of
 * @pwk/api — so that an object hand-edited into something the API would refuse
 * (`spec.replicas: "lots"`, an unknown field) is quarantined rather than served.
 *
 * The store is handed this module's path, not the function: its scan runs in a worker thread,
 * which loads this module itself.
 */
import { fooStrategy } from '../registry/foo-strategy';
import type { ResourceStrategy } from '../registry/strategy';
import type { StoredObjectCheckRef } from '../storage/file/object-check';
import type { KubeObject } from '../storage/interface';

const STRATEGIES: readonly ResourceStrategy[] = [fooStrategy];
const BY_COLLECTION = new Map(STRATEGIES.map((s) => [`${s.group}/${s.resource}`, s]));

/** A StoredObjectCheck: why the stored object fails its kind's schema, in 422 wording. */
export function checkLoadedObject(collection: string, obj: unknown): string | undefined {
  const strategy = BY_COLLECTION.get(collection);
  // A collection no kind is served from is never read: nothing to check it against.
  if (!strategy) return undefined;
  const { errors, unknownFields } = strategy.validate(obj as KubeObject);
  const problems = [
    ...errors.map((e) => `${e.field}: ${e.message}`),
    ...unknownFields.map((f) => `unknown field "${f}"`),
  ];
  if (problems.length === 0) return undefined;
  // As field.ErrorList.ToAggregate() prints: one error bare, several in brackets.
  return problems.length === 1 ? problems[0] : `[${problems.join(', ')}]`;
}

export const loadedObjectCheck: StoredObjectCheckRef = {
  module: __filename,
  exportName: checkLoadedObject.name,
};
