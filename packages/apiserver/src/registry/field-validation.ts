/**
 * What a CRD's decoder does with the fields of a body its schema does not know, and with keys
 * given twice (`?fieldValidation=`): Strict refuses them (400, Kubernetes' strict decoding
 * error), Warn warns, Ignore says nothing — and unknown fields are pruned in every case, so
 * defaulting, admission and managedFields never see them.
 */
import { StatusError } from '../errors/status-error';
import type { KubeObject } from '../storage/interface';
import type { ResourceStrategy } from './strategy';
import type { WriteOptions, WriteResult } from './write-options';

/** The warnings fieldValidation gives for these unknown fields and the body's duplicates (Strict: 400). */
export function unknownFieldWarnings(unknownFields: string[], options: WriteOptions): string[] {
  const duplicates = options.duplicateFields?.messages ?? [];
  if ((unknownFields.length === 0 && duplicates.length === 0) || options.fieldValidation === 'Ignore')
    return [];
  const unknown = unknownFields.map((f) => `unknown field "${f}"`);
  if (options.fieldValidation === 'Strict') {
    // go-yaml reports all of a document's duplicates as one error, a line each.
    const decoding =
      options.duplicateFields?.yaml && duplicates.length > 0
        ? [`yaml: unmarshal errors:\n  ${duplicates.join('\n  ')}`]
        : duplicates;
    throw StatusError.badRequest(`strict decoding error: ${[...decoding, ...unknown].join(', ')}`);
  }
  return [...duplicates, ...unknown];
}

/**
 * A request body (or a patched object) as the decoder leaves it: unknown fields refused, warned
 * about or not, and pruned — a body of unknown fields costs a walk of what the schema knows, not
 * of everything it holds.
 */
export function decodeBody(strategy: ResourceStrategy, obj: KubeObject, options: WriteOptions): WriteResult {
  const unknownFields = strategy.unknownFields(obj);
  const warnings = unknownFieldWarnings(unknownFields, options);
  return { object: unknownFields.length > 0 ? strategy.pruneUnknownFields(obj) : obj, warnings };
}

/** obj without the fields the schema does not know, nothing said (a mutating webhook's additions). */
export function pruneSilently(strategy: ResourceStrategy, obj: KubeObject): KubeObject {
  return strategy.unknownFields(obj).length > 0 ? strategy.pruneUnknownFields(obj) : obj;
}
