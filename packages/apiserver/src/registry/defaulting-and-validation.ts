/**
 * The last step before an object is stored (rest.BeforeCreate / BeforeUpdate's defaulting and
 * validation): the schema's defaults, then validation (422 with one cause per field error), and
 * fields a mutating webhook added that the schema does not know pruned silently, as a CRD prunes
 * a webhook's mutation.
 */
import type { FieldError } from '@pwk/api';
import { StatusError } from '../errors/status-error';
import type { StatusCause } from '../errors/status-error';
import type { KubeObject } from '../storage/interface';
import type { ResourceStrategy } from './strategy';

function causesOf(errors: FieldError[]): StatusCause[] {
  return errors.map((e) => ({ reason: e.type, message: e.message, field: e.field }));
}

/** obj defaulted and validated (against `old` on an update); a fresh copy. */
export function defaultAndValidate(
  strategy: ResourceStrategy,
  obj: KubeObject,
  old?: KubeObject,
): KubeObject {
  const defaulted = strategy.applyDefaults(obj);
  const checked = old ? strategy.validateUpdate(defaulted, old) : strategy.validate(defaulted);
  if (checked.errors.length > 0) {
    throw StatusError.invalid(
      { group: strategy.group, kind: strategy.kind },
      String(defaulted.metadata?.name ?? ''),
      causesOf(checked.errors),
    );
  }
  // Defaulting returned a fresh copy: only unknown fields make pruning (another schema pass and
  // another copy) necessary.
  return checked.unknownFields.length > 0 ? strategy.pruneUnknownFields(defaulted) : defaulted;
}
