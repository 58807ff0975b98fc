/**
 * PATCH one object: the patch applies to the current object, then defaulting and validation
 * run, and the write is a guaranteed update — retried on conflict unless the patch itself
 * carries a resourceVersion, which then is a precondition (as Kubernetes' patcher does).
 */
import { StatusError } from '../errors/status-error';
import { applyPatch } from '../registry/apply-patch';
import type { PatchType } from '../registry/apply-patch';
import type { RegistryStore, WriteOptions } from '../registry/store';
import type { KubeObject } from '../storage/interface';
import type { ObjectResult } from './result';

export interface PatchRequest {
  namespace: string;
  name: string;
  patch: unknown;
  type: PatchType;
  options: WriteOptions;
}

function patchedResourceVersion(patch: unknown, type: PatchType): string | undefined {
  if (type === 'json-patch' || patch === null || typeof patch !== 'object') return undefined;
  const rv = (patch as { metadata?: { resourceVersion?: unknown } }).metadata?.resourceVersion;
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
}

/** A patch may not rename or move the object (k8s' checkName after patching: 400). */
function checkPatchedName(next: KubeObject, request: { namespace: string; name: string }): void {
  const { name, namespace } = next.metadata ?? {};
  if (name !== undefined && name !== request.name) {
    throw StatusError.badRequest(
      `the name of the object (${String(name)}) does not match the name on the URL (${request.name})`,
    );
  }
  if (namespace && namespace !== request.namespace) {
    throw StatusError.badRequest(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  }
}

export async function patchObject(store: RegistryStore, request: PatchRequest): Promise<ObjectResult> {
  const resourceVersion = patchedResourceVersion(request.patch, request.type);
  const { object, warnings } = await store.updateWith(
    request,
    (current) => {
      const next = applyPatch(current, request.patch, {
        type: request.type,
        semantics: store.strategy.semantics,
      });
      store.checkTypeMeta(next);
      checkPatchedName(next, request);
      return next;
    },
    { options: request.options, preconditions: resourceVersion ? { resourceVersion } : undefined },
  );
  return { type: 'object', code: 200, object, warnings };
}
