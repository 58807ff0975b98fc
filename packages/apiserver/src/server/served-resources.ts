/**
 * The stores behind each installed resource: one RegistryStore under the kind's strategy, one
 * under its status strategy when the version has a status subresource (admitted too: kube runs
 * admission on <plural>/status), and the version's Table converter.
 */
import type { InstalledAPI, InstalledResource } from '../apis/installed-api';
import type { ServedResource, TableConverter } from '../http/served-resource';
import type { AdmissionChain } from '../admission/attributes';
import { fooStatusStrategy } from '../registry/foo-status-strategy';
import { fooStrategy } from '../registry/foo-strategy';
import { RegistryStore } from '../registry/store';
import type { ResourceStrategy } from '../registry/strategy';
import { fooTable } from '../registry/table';
import type { Storage } from '../storage/interface';

interface Strategies {
  main: ResourceStrategy;
  status?: ResourceStrategy;
  table: TableConverter;
}

/**
 * The registry's strategies that exist today, found by the group, version and resource they
 * serve (until the registry derives one from any kind definition).
 */
const KNOWN: readonly Strategies[] = [{ main: fooStrategy, status: fooStatusStrategy, table: fooTable }];

function strategiesOf(resource: InstalledResource): Strategies {
  const { kind, version } = resource;
  const found = KNOWN.find(
    ({ main }) => main.group === kind.group && main.version === version.name && main.resource === kind.plural,
  );
  if (!found) throw new Error(`no strategy serves ${kind.plural}.${kind.group}/${version.name}`);
  return found;
}

export interface ServedResourcesOptions {
  admission?: AdmissionChain;
  garbageCollection: boolean;
}

export function servedResources(
  api: InstalledAPI,
  storage: Storage,
  options: ServedResourcesOptions,
): ServedResource[] {
  const storeOptions = { admission: options.admission, garbageCollection: options.garbageCollection };
  return api.resources.map((installed) => {
    const strategies = strategiesOf(installed);
    const statusStrategy = installed.version.subresources.status ? strategies.status : undefined;
    return {
      installed,
      store: new RegistryStore(storage, strategies.main, storeOptions),
      statusStore: statusStrategy && new RegistryStore(storage, statusStrategy, storeOptions),
      table: strategies.table,
    };
  });
}
