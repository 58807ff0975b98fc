/**
 * Query parameters as k8s.io/apiserver reads them (metav1.ListOptions, CreateOptions,
 * UpdateOptions, DeleteOptions), with the same validation outcomes: malformed values are
 * 400 BadRequest, combinations ListOptions forbids are 422 Invalid.
 */
import { StatusError } from '../errors/status-error';
import type { StatusCause } from '../errors/status-error';
import { parseFieldSelector } from '../registry/field-selector';
import type { SelectableFields } from '../registry/field-selector';
import { parseLabelSelector } from '../registry/label-selector';
import type { ListParams } from '../handlers/params';
import type { FieldValidation, WriteOptions } from '../registry/store';

export type { ListParams };
export type Query = Record<string, unknown>;

/** One string value; a repeated parameter takes the first, as Go's url.Values.Get does. */
export function queryValue(query: Query, name: string): string | undefined {
  const v = query[name];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

export function boolParam(query: Query, name: string): boolean {
  const v = queryValue(query, name);
  if (v === undefined || v === '' || v === 'false' || v === '0') return false;
  if (v === 'true' || v === '1') return true;
  throw StatusError.badRequest(`invalid value for ${name}: "${v}" (want true or false)`);
}

export function intParam(query: Query, name: string): number | undefined {
  const v = queryValue(query, name);
  if (v === undefined || v === '') return undefined;
  if (!/^-?[0-9]+$/.test(v) || !Number.isSafeInteger(Number(v))) {
    throw StatusError.badRequest(`invalid value for ${name}: "${v}" (want an integer)`);
  }
  return Number(v);
}

function invalidListOptions(causes: StatusCause[]): StatusError {
  return StatusError.invalid({ group: 'meta.k8s.io', kind: 'ListOptions' }, '', causes);
}

export function parseResourceVersion(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw StatusError.badRequest(`invalid resource version: "${value}"`);
  }
  return Number(value);
}

/** `kind`: what its field selectors may name (the resource's strategy; default: metadata only). */
export function parseListParams(query: Query, kind?: SelectableFields): ListParams {
  const watch = boolParam(query, 'watch');
  const match = queryValue(query, 'resourceVersionMatch');
  const rvText = queryValue(query, 'resourceVersion');
  const limit = intParam(query, 'limit');
  const continueToken = queryValue(query, 'continue') || undefined;
  const sendInitialEventsText = queryValue(query, 'sendInitialEvents');
  const params: ListParams = {
    labelSelector: parseLabelSelector(queryValue(query, 'labelSelector')),
    fieldSelector: parseFieldSelector(queryValue(query, 'fieldSelector'), kind),
    limit: limit !== undefined && limit > 0 ? limit : undefined,
    continue: continueToken,
    resourceVersion: parseResourceVersion(rvText),
    watch,
    timeoutSeconds: intParam(query, 'timeoutSeconds'),
    allowWatchBookmarks: boolParam(query, 'allowWatchBookmarks'),
    sendInitialEvents:
      sendInitialEventsText === undefined ? undefined : boolParam(query, 'sendInitialEvents'),
  };
  // The rules of k8s.io/apimachinery's ValidateListOptions.
  const causes: StatusCause[] = [];
  if (match !== undefined && match !== '') {
    if (match !== 'Exact' && match !== 'NotOlderThan') {
      causes.push({
        reason: 'FieldValueNotSupported',
        field: 'resourceVersionMatch',
        message: `Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`,
      });
    } else {
      params.resourceVersionMatch = match;
      if (watch && params.sendInitialEvents === undefined) {
        causes.push({
          reason: 'FieldValueForbidden',
          field: 'resourceVersionMatch',
          message:
            'Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
        });
      } else if (!watch && (rvText === undefined || rvText === '')) {
        // List only: a streaming list (watch + sendInitialEvents) may omit resourceVersion, as
        // client-go's reflector does on its first request.
        causes.push({
          reason: 'FieldValueForbidden',
          field: 'resourceVersionMatch',
          message: 'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
        });
      } else if (!watch && match === 'Exact' && params.resourceVersion === 0) {
        causes.push({
          reason: 'FieldValueForbidden',
          field: 'resourceVersionMatch',
          message: 'Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
        });
      }
      if (continueToken) {
        causes.push({
          reason: 'FieldValueForbidden',
          field: 'resourceVersionMatch',
          message: 'Forbidden: resourceVersionMatch is forbidden when continue is provided',
        });
      }
    }
  }
  if (params.sendInitialEvents !== undefined) {
    if (!watch) {
      causes.push({
        reason: 'FieldValueForbidden',
        field: 'sendInitialEvents',
        message: 'Forbidden: sendInitialEvents is forbidden for list',
      });
    } else {
      if (match !== 'NotOlderThan') {
        causes.push({
          reason: 'FieldValueForbidden',
          field: 'resourceVersionMatch',
          message: 'Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
        });
      }
      if (!params.allowWatchBookmarks) {
        causes.push({
          reason: 'FieldValueForbidden',
          field: 'allowWatchBookmarks',
          message: 'Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true',
        });
      }
    }
  }
  if (causes.length > 0) throw invalidListOptions(causes);
  // Not a ListOptions validation rule but the storage's check (etcd3 store): a 400.
  if (!watch && continueToken && rvText && rvText !== '0') {
    throw StatusError.badRequest('specifying resource version is not allowed when using continue');
  }
  return params;
}

const FIELD_VALIDATIONS: readonly string[] = ['Strict', 'Warn', 'Ignore'];

export function parseWriteOptions(query: Query): WriteOptions & { fieldManager?: string } {
  const dryRun = queryValue(query, 'dryRun');
  if (dryRun !== undefined && dryRun !== '' && dryRun !== 'All') {
    throw StatusError.badRequest(
      `Invalid dry run value: dryRun: Unsupported value: "${dryRun}": supported values: "All"`,
    );
  }
  const fieldValidation = queryValue(query, 'fieldValidation') || 'Warn';
  if (!FIELD_VALIDATIONS.includes(fieldValidation)) {
    throw StatusError.badRequest(
      `fieldValidation: Unsupported value: "${fieldValidation}": supported values: "Strict", "Warn", "Ignore"`,
    );
  }
  const fieldManager = queryValue(query, 'fieldManager') || undefined;
  if (fieldManager !== undefined && fieldManager.length > 128) {
    throw StatusError.badRequest('fieldManager: Too long: may not be longer than 128');
  }
  return {
    dryRun: dryRun === 'All',
    fieldValidation: fieldValidation as FieldValidation,
    fieldValidationGiven: Boolean(queryValue(query, 'fieldValidation')),
    fieldManager,
  };
}

/** `?timeout=32s` as kubectl sends it; a malformed value is a 400 (k8s: "invalid timeout specified"). */
export function checkTimeoutParam(query: Query): void {
  const timeout = queryValue(query, 'timeout');
  if (
    timeout !== undefined &&
    timeout !== '' &&
    !/^([0-9]*\.?[0-9]+(ns|us|µs|ms|s|m|h))+$|^0$/.test(timeout)
  ) {
    throw StatusError.badRequest(`invalid timeout specified in the request URL: "${timeout}"`);
  }
}
