/**
 * A Table's column definitions and cells from a kind version's printer columns, as
 * apiextensions-apiserver's tableconvertor builds them: NAME first; then each column, its cell
 * the JSONPath's value formatted by the column's type (cellForJSONValue); a version without
 * columns gets the default AGE column (serveDefaultColumnsIfEmpty).
 */
import type { PrinterColumn } from '@pwk/api';
import { humanDuration } from './human-duration';
import { SimpleJsonPath } from './simple-json-path';

// Descriptions as the apiserver gives them: ObjectMeta's API docs for Name and for Age (the
// default CRD column), the CRD's generated text for columns without a description.
export const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
export const CREATION_TIMESTAMP_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** The column a version without printer columns is served with. */
export const DEFAULT_AGE_COLUMN: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: CREATION_TIMESTAMP_DESCRIPTION,
};

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** One column after NAME: its definition and how its cell is read from an object. */
export interface TableColumn {
  definition: ColumnDefinition;
  cell(obj: unknown, now: Date): unknown;
}

export const NAME_COLUMN: ColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: NAME_DESCRIPTION,
  priority: 0,
};

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** An integer column: JSON numbers truncate to int64 as Go's cellForJSONValue does; else empty. */
function integerCell(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : null;
}

function numberCell(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function booleanCell(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

/** A string column prints whatever the JSONPath found; a missing field is an empty cell (kubectl: <none>). */
function stringCell(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A date column: the age as kubectl shows it; `<unknown>` if unset, `<invalid>` if unparseable. */
function ageCell(value: unknown, now: Date): string | null {
  if (value === undefined || value === null || value === '') return '<unknown>';
  if (typeof value !== 'string') return null;
  const created = RFC3339.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(created)) return '<invalid>';
  return humanDuration(now.getTime() - created);
}

function formatterFor(type: PrinterColumn['type']): (value: unknown, now: Date) => unknown {
  switch (type) {
    case 'integer':
      return integerCell;
    case 'number':
      return numberCell;
    case 'boolean':
      return booleanCell;
    case 'string':
      return stringCell;
    case 'date':
      return ageCell;
  }
}

/** The columns a version's Table shows after NAME; throws when a column's jsonPath is not a simple path. */
export function tableColumnsFor(printerColumns: readonly PrinterColumn[]): TableColumn[] {
  const columns = printerColumns.length > 0 ? printerColumns : [DEFAULT_AGE_COLUMN];
  return columns.map((column) => {
    const path = SimpleJsonPath.parse(column.jsonPath);
    const format = formatterFor(column.type);
    return {
      definition: {
        name: column.name,
        type: column.type,
        format: column.format ?? '',
        description:
          column.description || `Custom resource definition column (in JSONPath format): ${column.jsonPath}`,
        priority: column.priority ?? 0,
      },
      cell: (obj, now) => format(path.read(obj), now),
    };
  });
}
