/**
 * The meta.k8s.io Table that `kubectl get <resource>` asks for, built from a kind version's
 * printer columns as a CRD's is (apiextensions-apiserver tableconvertor, columns in
 * table-columns.ts), then the handler's includeObject step (k8s.io/apiserver
 * pkg/endpoints/handlers/response.go).
 */
import type { KindVersion } from '@pwk/api';
import { StatusError } from '../errors/status-error';
import type { KubeObject } from '../storage/interface';
import { asPartialObjectMetadata } from './partial-object-metadata';
import { NAME_COLUMN, tableColumnsFor } from './table-columns';
import type { TableColumn } from './table-columns';

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

/** Turns objects into a Table (one row each; a single GET or watch event passes one). */
export type TableConverter = (
  objects: KubeObjectLike[],
  listMeta: TableListMeta,
  options: TableOptions,
) => Record<string, unknown>;

const converters = new WeakMap<Pick<KindVersion, 'printerColumns'>, TableConverter>();

/**
 * The Table converter of a kind version (tableconvertor.New over its printer columns), made once
 * per version: rows of NAME and the columns' cells, list metadata carried over, column
 * definitions unless noHeaders.
 */
export function tableConverterFor(version: Pick<KindVersion, 'printerColumns'>): TableConverter {
  let converter = converters.get(version);
  if (!converter) {
    converter = newTableConverter(tableColumnsFor(version.printerColumns));
    converters.set(version, converter);
  }
  return converter;
}

function newTableConverter(columns: readonly TableColumn[]): TableConverter {
  const definitions = [NAME_COLUMN, ...columns.map((c) => c.definition)];
  const toRow = (obj: KubeObjectLike, options: TableOptions): Record<string, unknown> => {
    const name = obj.metadata['name'];
    const cells = [typeof name === 'string' ? name : '', ...columns.map((c) => c.cell(obj, options.now))];
    const object = rowObject(obj, options.includeObject, options.tableVersion ?? 'v1');
    return object === undefined ? { cells } : { cells, object };
  };
  return (objects, listMeta, options) => {
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
      ...(options.noHeaders ? {} : { columnDefinitions: definitions.map((c) => ({ ...c })) }),
      rows: objects.map((obj) => toRow(obj, options)),
    };
  };
}
