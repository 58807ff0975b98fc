/**
 * The meta.k8s.io Table that `kubectl get foos` asks for, built as a CRD with printer columns
 * Replicas, Location and Age would build it (apiextensions-apiserver tableconvertor, then the
 * handler's includeObject step in k8s.io/apiserver pkg/endpoints/handlers/response.go).
 */
import { StatusError } from '../errors/status-error';
import { humanDuration } from './human-duration';
import { asPartialObjectMetadata } from './partial-object-metadata';
import type { KubeObject } from '../storage/interface';

export interface KubeObjectLike {
  apiVersion?: string;
  kind?: string;
  metadata: Record<string, unknown>;
  [k: string]: unknown;
}

/** What each row carries besides its cells (`?includeObject=`). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  includeObject: IncludeObject;
  /** The clock the Age column is measured against. */
  now: Date;
  /** omit columnDefinitions (watch events after the first) */
  noHeaders?: boolean;
  /** The Table version the client asked for; default v1. */
  tableVersion?: 'v1' | 'v1beta1';
}

export interface TableListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

/**
 * The includeObject query parameter: absent or empty means Metadata; anything but the three
 * values is a 400 with k8s's message (ValidateTableOptions, wrapped as the handler does).
 */
export function parseIncludeObject(value: string | undefined): IncludeObject {
  if (value === undefined || value === '') return 'Metadata';
  if (value === 'None' || value === 'Metadata' || value === 'Object') return value;
  throw StatusError.badRequest(
    `Unable to convert to Table as requested: includeObject: Invalid value: ${JSON.stringify(value)}: must be 'Metadata', 'Object', 'None', or empty`,
  );
}

// Descriptions as the apiserver gives them: ObjectMeta's API docs for Name and for Age (the
// default CRD column), the CRD's generated text for columns without a description.
const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const CREATION_TIMESTAMP_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';
const jsonPathColumn = (path: string): string =>
  `Custom resource definition column (in JSONPath format): ${path}`;

interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const COLUMNS: readonly ColumnDefinition[] = [
  { name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0 },
  {
    name: 'Replicas',
    type: 'integer',
    format: '',
    description: jsonPathColumn('.spec.replicas'),
    priority: 0,
  },
  {
    name: 'Location',
    type: 'string',
    format: '',
    description: jsonPathColumn('.spec.location'),
    priority: 0,
  },
  { name: 'Age', type: 'date', format: '', description: CREATION_TIMESTAMP_DESCRIPTION, priority: 0 },
];

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function specField(obj: KubeObjectLike, field: string): unknown {
  const spec = obj['spec'];
  if (typeof spec !== 'object' || spec === null) return undefined;
  return (spec as Record<string, unknown>)[field];
}

/** An integer column: JSON numbers truncate to int64 as Go's cellForJSONValue does; else empty. */
function integerCell(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : null;
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

function rowObject(
  obj: KubeObjectLike,
  include: IncludeObject,
  tableVersion: 'v1' | 'v1beta1',
): KubeObjectLike | undefined {
  switch (include) {
    case 'None':
      return undefined;
    case 'Object':
      return obj;
    case 'Metadata':
      return asPartialObjectMetadata(obj as KubeObject, tableVersion);
  }
}

function toRow(obj: KubeObjectLike, options: TableOptions): Record<string, unknown> {
  const name = obj.metadata['name'];
  const cells = [
    typeof name === 'string' ? name : '',
    integerCell(specField(obj, 'replicas')),
    stringCell(specField(obj, 'location')),
    ageCell(obj.metadata['creationTimestamp'], options.now),
  ];
  const object = rowObject(obj, options.includeObject, options.tableVersion ?? 'v1');
  return object === undefined ? { cells } : { cells, object };
}

/**
 * Foos as a Table: one row per object (a single GET or watch event passes one), list metadata
 * carried over, column definitions unless noHeaders.
 */
export function fooTable(
  objects: KubeObjectLike[],
  listMeta: TableListMeta,
  options: TableOptions,
): Record<string, unknown> {
  const metaVersion = `meta.k8s.io/${options.tableVersion ?? 'v1'}`;
  // ListMeta's fields are omitempty in Go; remainingItemCount is a pointer, so 0 is kept.
  const metadata: TableListMeta = {};
  if (listMeta.resourceVersion) metadata.resourceVersion = listMeta.resourceVersion;
  if (listMeta.continue) metadata.continue = listMeta.continue;
  if (listMeta.remainingItemCount !== undefined) metadata.remainingItemCount = listMeta.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: metaVersion,
    metadata,
    ...(options.noHeaders ? {} : { columnDefinitions: COLUMNS.map((c) => ({ ...c })) }),
    rows: objects.map((obj) => toRow(obj, options)),
  };
}
