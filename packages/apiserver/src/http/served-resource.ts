/**
 * One installed resource as the HTTP layer serves it: what it is (the installed API's entry)
 * and what answers its requests (its stores and its Table converter).
 */
import type { InstalledResource } from '../apis/installed-api';
import type { ApiHandler } from './exchange';
import { setWarnings } from './respond';
import type { RegistryStore } from '../registry/store';
import type { TableConverter } from '../registry/table';

export interface ServedResource {
  installed: InstalledResource;
  store: RegistryStore;
  /** The same objects under the status strategy; present when the version has a status subresource. */
  statusStore?: RegistryStore;
  /** Its objects as a meta.k8s.io Table (kubectl get): the version's printer columns. */
  table: TableConverter;
}

/** `/apis/<group>/<version>`. */
export function basePath(resource: InstalledResource): string {
  return `/apis/${resource.kind.group}/${resource.version.name}`;
}

/** The Express path of the resource's collection (`:namespace` for a namespaced one). */
export function collectionPath(resource: InstalledResource): string {
  const scope = resource.kind.namespaced ? '/namespaces/:namespace' : '';
  return `${basePath(resource)}${scope}/${resource.kind.plural}`;
}

/** A handler that adds `warning` to the answer's Warning headers, then goes on. */
export function warnOf(warning: string): ApiHandler {
  return (_req, res, next) => {
    setWarnings(res, [warning]);
    next();
  };
}
