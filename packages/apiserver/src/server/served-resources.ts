/**
 * The stores behind each installed resource, from the registry's strategies of its kind
 * version: one RegistryStore under the main strategy, one under the status strategy when the
 * version has a status subresource (admitted too: kube runs admission on <plural>/status), and
 * the version's Table converter (its printer columns). Both stores see the storage as their
 * version does (versionedStorage: written at the storage version, read at the served one; the
 * storage itself for a kind of one version).
 */
import type { InstalledAPI } from '../apis/installed-api';
import type { ServedResource } from '../http/served-resource';
import type { AdmissionChain } from '../admission/attributes';
import { statusStrategyFor, strategyFor } from '../registry/kind-strategy';
import { RegistryStore } from '../registry/store';
import { tableConverterFor } from '../registry/table';
import type { Storage } from '../storage/interface';
import { versionedStorage } from '../storage/versioned-storage';

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
    const { kind, version } = installed;
    const view = versionedStorage(storage, { kind, version: version.name });
    const status = statusStrategyFor(kind, version);
    return {
      installed,
      store: new RegistryStore(view, strategyFor(kind, version), storeOptions),
      statusStore: status && new RegistryStore(view, status, storeOptions),
      table: tableConverterFor(version),
    };
  });
}
