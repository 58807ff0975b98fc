/**
 * Kubernetes' rules for names, labels, annotations and object metadata, with the messages
 * k8s.io/apimachinery uses (pkg/util/validation, pkg/api/validation/objectmeta.go). Zod cannot
 * state these (composite formats, total sizes), so they are code here and are attached to the
 * ObjectMeta schema by a refinement in metav1.ts: there is one place each rule is written.
 */
import { fieldError } from './field-error';
import type { FieldError } from './field-error';

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const QUALIFIED_NAME = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = `(${QUALIFIED_NAME})?`;

const dns1123LabelRe = new RegExp(`^${DNS1123_LABEL}$`);
const dns1123SubdomainRe = new RegExp(`^${DNS1123_SUBDOMAIN}$`);
const qualifiedNameRe = new RegExp(`^${QUALIFIED_NAME}$`);
const labelValueRe = new RegExp(`^${LABEL_VALUE}$`);

export const DNS1123_LABEL_MAX_LENGTH = 63;
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
export const QUALIFIED_NAME_MAX_LENGTH = 63;
export const LABEL_VALUE_MAX_LENGTH = 63;
/** Total size of all annotation keys and values (apimachinery's TotalAnnotationSizeLimitB). */
export const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;

function regexError(what: string, format: string, examples: string[]): string {
  const eg = examples.map((e) => `'${e}'`).join(',  or ');
  return `${what} (e.g. ${eg}, regex used for validation is '${format}')`;
}

const maxLenError = (n: number): string => `must be no more than ${n} characters`;

/** Problems with value as a DNS-1123 label (namespace names); empty means valid. */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH));
  if (!dns1123LabelRe.test(value)) {
    errs.push(
      regexError(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
        DNS1123_LABEL,
        ['my-name', '123-abc'],
      ),
    );
  }
  return errs;
}

/** Problems with value as a DNS-1123 subdomain (object names); empty means valid. */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!dns1123SubdomainRe.test(value)) {
    errs.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        DNS1123_SUBDOMAIN,
        ['example.com'],
      ),
    );
  }
  return errs;
}

/** Problems with value as a qualified name (`[prefix/]name`: label keys, annotation keys, finalizers). */
export function isQualifiedName(value: string): string[] {
  const parts = value.split('/');
  let name: string;
  const errs: string[] = [];
  if (parts.length === 1) {
    name = parts[0] ?? '';
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      regexError(
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        QUALIFIED_NAME,
        ['MyName', 'my.name', '123-abc'],
      ) + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) {
    errs.push('name part must be non-empty');
  } else if (name.length > QUALIFIED_NAME_MAX_LENGTH) {
    errs.push(`name part ${maxLenError(QUALIFIED_NAME_MAX_LENGTH)}`);
  }
  if (name.length > 0 && !qualifiedNameRe.test(name)) {
    errs.push(
      'name part ' +
        regexError(
          "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
          QUALIFIED_NAME,
          ['MyName', 'my.name', '123-abc'],
        ),
    );
  }
  return errs;
}

/** Problems with value as a label value; empty means valid. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > LABEL_VALUE_MAX_LENGTH) errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH));
  if (!labelValueRe.test(value)) {
    errs.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE,
        ['MyValue', 'my_value', '12345'],
      ),
    );
  }
  return errs;
}

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
