/** Applies a PATCH body of any supported type to the current object; malformed patches are 400/422. */
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import type { SchemaSemantics } from '@pwk/api';
import { StatusError } from '../errors/status-error';
import type { KubeObject } from '../storage/interface';
import { applyMergePatch, isPlainObject } from './merge-patch';
import { applyStrategicMergePatch } from './strategic-merge-patch';

export type PatchType = 'json-patch' | 'merge-patch' | 'strategic-merge-patch';

/** `semantics`: the list and map semantics of the patched object's schema (strategic merge reads them). */
export function applyPatch(
  current: KubeObject,
  patch: unknown,
  how: { type: PatchType; semantics: SchemaSemantics },
): KubeObject {
  let result: unknown;
  switch (how.type) {
    case 'json-patch': {
      if (!Array.isArray(patch)) throw StatusError.badRequest('json patch must be a list of operations');
      try {
        result = fastJsonPatch.applyPatch(
          structuredClone(current),
          patch as Operation[],
          true,
          false,
        ).newDocument;
      } catch (err) {
        const e = err as { name?: string; message: string };
        // A patch that decodes but does not apply (a failed `test`, a missing path, an unknown
        // op) is 422, as Kubernetes answers any jsonpatch Apply error; only a patch that is not
        // a list of operation objects is a 400.
        if (e.name !== 'OPERATION_NOT_AN_OBJECT' && e.name !== 'SEQUENCE_NOT_AN_ARRAY') {
          throw new StatusError(
            422,
            'Invalid',
            `the server rejected our request due to an error in our request: ${e.message.split('\n')[0]}`,
          );
        }
        throw StatusError.badRequest(
          `the server rejected our request due to an error in our request: ${e.message.split('\n')[0]}`,
        );
      }
      break;
    }
    case 'merge-patch':
      if (!isPlainObject(patch)) throw StatusError.badRequest('merge patch must be an object');
      result = applyMergePatch(current, patch);
      break;
    case 'strategic-merge-patch':
      result = applyStrategicMergePatch(current, patch, how.semantics);
      break;
  }
  if (!isPlainObject(result)) throw StatusError.badRequest('the patched object is not an object');
  return result as KubeObject;
}
