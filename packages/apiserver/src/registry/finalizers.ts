/**
 * metadata.finalizers as the generic registry reads them: what an object has, and the rule
 * that an object being deleted may lose finalizers but never gain one
 * (ValidateObjectMetaUpdate's ValidateNoNewFinalizers), else its deletion could be held forever.
 */
import { StatusError } from '../errors/status-error';
import type { KubeObject } from '../storage/interface';

export function finalizersOf(obj: KubeObject): string[] {
  const finalizers = obj.metadata.finalizers;
  return Array.isArray(finalizers) ? finalizers.map(String) : [];
}

export function hasFinalizers(obj: KubeObject): boolean {
  const finalizers = obj.metadata.finalizers;
  return Array.isArray(finalizers) && finalizers.length > 0;
}

/** 422 when `next` adds a finalizer to an object that is being deleted. */
export function checkNoNewFinalizers(
  kind: { group: string; kind: string },
  next: KubeObject,
  old: KubeObject,
): void {
  if (!old.metadata.deletionTimestamp) return;
  const before = new Set(
    Array.isArray(old.metadata.finalizers) ? (old.metadata.finalizers as unknown[]) : [],
  );
  const after = Array.isArray(next.metadata.finalizers) ? (next.metadata.finalizers as unknown[]) : [];
  const added = [...new Set(after.filter((f) => !before.has(f)).map(String))].sort();
  if (added.length === 0) return;
  throw StatusError.invalid(kind, String(old.metadata.name ?? ''), [
    {
      reason: 'FieldValueForbidden',
      field: 'metadata.finalizers',
      message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
    },
  ]);
}
