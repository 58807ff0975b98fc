/**
 * A write's preconditions (metav1.Preconditions: uid, resourceVersion) against the stored
 * object, with the words kube uses on each path: an update's storage precondition (409 naming
 * the resource) and a DELETE's early check (rest.BeforeDelete, 409 naming the kind).
 */
import { StatusError } from '../errors/status-error';
import type { KubeObject, Preconditions } from '../storage/interface';

/** The storage layer's check of an update's preconditions (used where no storage call runs: dry run). */
export function checkPreconditions(
  ref: { group: string; resource: string },
  current: KubeObject,
  pre: Preconditions | undefined,
): void {
  const name = String(current.metadata.name);
  if (pre?.uid !== undefined && pre.uid !== current.metadata.uid) {
    throw StatusError.conflict(
      ref,
      name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ''}`,
    );
  }
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== current.metadata.resourceVersion) {
    throw StatusError.conflict(
      ref,
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`,
    );
  }
}

/**
 * DeleteOptions.preconditions, checked before anything is changed (rest.BeforeDelete's early
 * check, with its wording: the conflict names the kind, not the resource).
 */
export function checkDeletePreconditions(
  kind: { group: string; kind: string },
  current: KubeObject,
  pre: Preconditions | undefined,
): void {
  const name = String(current.metadata.name);
  const what = { group: kind.group, resource: kind.kind };
  if (pre?.uid !== undefined && pre.uid !== current.metadata.uid) {
    throw StatusError.conflict(
      what,
      name,
      `the UID in the precondition (${pre.uid}) does not match the UID in record (${current.metadata.uid ?? ''}). The object might have been deleted and then recreated`,
    );
  }
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== current.metadata.resourceVersion) {
    throw StatusError.conflict(
      what,
      name,
      `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${current.metadata.resourceVersion ?? ''}). The object might have been modified`,
    );
  }
}
