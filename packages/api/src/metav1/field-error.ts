/**
 * Kubernetes field errors (k8s.io/apimachinery/pkg/util/validation/field): a type, a field path,
 * the bad value and a detail, rendered the way the Go code renders ErrorBody() so that the
 * apiserver's 422 messages read exactly like a Kubernetes server's.
 */
export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueDuplicate'
  | 'FieldValueTypeInvalid';

export interface FieldError {
  type: FieldErrorType;
  /** The field path, e.g. `spec.replicas`, `status.conditions[0].type`. */
  field: string;
  badValue?: unknown;
  /** The bare reason, e.g. `must be greater than or equal to 0`. */
  detail: string;
  /** ErrorBody(): `Invalid value: -3: must be greater than or equal to 0`. */
  message: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Types whose message never repeats the value (as in ErrorBody). */
const WITHOUT_VALUE = new Set<FieldErrorType>([
  'FieldValueRequired',
  'FieldValueForbidden',
  'FieldValueTooLong',
]);

/** Go's rendering: numbers and booleans bare, strings quoted, null as null, the rest as JSON. */
function renderValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return JSON.stringify(value);
}

function make(type: FieldErrorType, field: string, detail: string, badValue?: unknown): FieldError {
  let message = TYPE_TEXT[type];
  if (!WITHOUT_VALUE.has(type)) message += `: ${renderValue(badValue)}`;
  if (detail) message += `: ${detail}`;
  const err: FieldError = { type, field, detail, message };
  if (badValue !== undefined) err.badValue = badValue;
  return err;
}

export const fieldError = {
  required: (field: string, detail = ''): FieldError => make('FieldValueRequired', field, detail),
  invalid: (field: string, value: unknown, detail: string): FieldError =>
    make('FieldValueInvalid', field, detail, value),
  typeInvalid: (field: string, value: unknown, detail: string): FieldError =>
    make('FieldValueTypeInvalid', field, detail, value),
  tooLong: (field: string, detail: string): FieldError => make('FieldValueTooLong', field, detail),
  tooMany: (field: string, actual: number, max: number): FieldError =>
    make('FieldValueTooMany', field, `must have at most ${max} items`, actual),
  notSupported: (field: string, value: unknown, supported: readonly string[]): FieldError =>
    make(
      'FieldValueNotSupported',
      field,
      supported.length ? `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` : '',
      value,
    ),
  forbidden: (field: string, detail: string): FieldError => make('FieldValueForbidden', field, detail),
  duplicate: (field: string, value: unknown): FieldError => make('FieldValueDuplicate', field, '', value),
};
