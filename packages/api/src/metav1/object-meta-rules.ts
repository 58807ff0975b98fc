/**
 * Kubernetes' rules for object metadata, with the messages k8s.io/apimachinery uses
 * (pkg/api/validation/objectmeta.go). Zod cannot state these (composite formats, total sizes),
 * so they are code here, attached to the ObjectMeta schema by a refinement in object-meta.ts:
 * there is one place each rule is written.
 */
import { fieldError } from './field-error';
import type { FieldError } from './field-error';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './names';

/** Total size of all annotation keys and values (apimachinery's TotalAnnotationSizeLimitB). */
export const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;

/**
 * generateName is a prefix: a trailing '-' is fine there because a random suffix follows
 * (apimachinery's maskTrailingDash).
 */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -1)}a` : name;
}

/** A child path: `metadata.name`, or `name` at the root. */
const child = (path: string, name: string): string => (path ? `${path}.${name}` : name);

const invalid = (field: string, value: unknown) => (detail: string) =>
  fieldError.invalid(field, value, detail);

export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    errs.push(...isQualifiedName(key).map(invalid(path, key)));
    errs.push(...isValidLabelValue(value).map(invalid(path, value)));
  }
  return errs;
}

export function validateAnnotations(
  annotations: Record<string, string> | undefined,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    errs.push(...isQualifiedName(key.toLowerCase()).map(invalid(path, key)));
    total += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) {
    errs.push(fieldError.tooLong(path, `must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT_BYTES} bytes`));
  }
  return errs;
}

/** The ObjectMeta fields these rules read; the Zod schema has already checked their types. */
export interface MetaForValidation {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: { controller?: boolean }[];
}

/**
 * ObjectMeta rules Zod cannot state (ValidateObjectMetaAccessor with NameIsDNSSubdomain).
 * `namespaced` undefined: the namespace is checked only as a label, not for presence.
 */
export function validateObjectMeta(
  meta: MetaForValidation,
  opts: { namespaced: boolean | undefined },
  path = 'metadata',
): FieldError[] {
  const errs: FieldError[] = [];
  const { name, generateName, namespace } = meta;
  if (generateName) {
    errs.push(
      ...isDNS1123Subdomain(maskTrailingDash(generateName)).map(
        invalid(child(path, 'generateName'), generateName),
      ),
    );
  }
  if (!name && !generateName) {
    errs.push(fieldError.required(child(path, 'name'), 'name or generateName is required'));
  } else if (name) {
    errs.push(...isDNS1123Subdomain(name).map(invalid(child(path, 'name'), name)));
  }
  if (opts.namespaced === false) {
    if (namespace) errs.push(fieldError.forbidden(child(path, 'namespace'), 'not allowed on this type'));
  } else if (namespace) {
    errs.push(...isDNS1123Label(namespace).map(invalid(child(path, 'namespace'), namespace)));
  } else if (opts.namespaced) {
    errs.push(fieldError.required(child(path, 'namespace'), ''));
  }
  errs.push(...validateLabels(meta.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(meta.annotations, child(path, 'annotations')));
  (meta.finalizers ?? []).forEach((f, i) => {
    errs.push(...isQualifiedName(f).map(invalid(`${child(path, 'finalizers')}[${i}]`, f)));
  });
  const controllers = (meta.ownerReferences ?? []).filter((r) => r.controller === true).length;
  if (controllers > 1) {
    errs.push(
      fieldError.invalid(
        child(path, 'ownerReferences'),
        meta.ownerReferences,
        'Only one reference can have Controller set to true',
      ),
    );
  }
  return errs;
}
