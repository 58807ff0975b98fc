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
import type { KubeObject, Storage } from '../storage/interface';
import { jsonEqual } from '../storage/json-equal';
import type { KindDefinition, KindVersion } from '@pwk/api';

interface Strategies {
  main: ResourceStrategy;
  status?: ResourceStrategy;
  table: TableConverter;
}

/**
 * The registry's strategies that exist today, found by the group, version and resource they
 * serve; any other kind gets interimStrategies (until the registry derives one from any kind
 * definition).
 */
const KNOWN: readonly Strategies[] = [{ main: fooStrategy, status: fooStatusStrategy, table: fooTable }];

/**
 * A kind's strategies from its definition, as apiextensions' customResourceStrategy behaves:
 * defaults, validation and pruning from the version's schema; status behind its subresource
 * when the version has one, an ordinary field otherwise. Interim: the registry's kind
 * strategies replace it. No Table of its own yet (the registry's only converter has the registered kind's columns).
 */
function interimStrategies(kind: KindDefinition, version: KindVersion): Strategies {
  const statusSubresource = version.subresources.status !== undefined;
  const generationFields = (o: KubeObject) => {
    const { metadata: _m, ...rest } = o;
    if (statusSubresource) delete rest.status;
    return rest;
  };
  const main: ResourceStrategy = {
    group: kind.group,
    version: version.name,
    kind: kind.kind,
    listKind: kind.listKind,
    resource: kind.plural,
    namespaced: kind.namespaced,
    applyDefaults: (obj) => version.applyDefaults(obj),
    prepareForCreate(obj) {
      // A cluster-scoped object has no namespace (rest.BeforeCreate clears it).
      if (!kind.namespaced) delete obj.metadata.namespace;
      if (statusSubresource) delete obj.status;
    },
    prepareForUpdate(next, old) {
      if (!statusSubresource) return;
      if (old.status === undefined) delete next.status;
      else next.status = structuredClone(old.status);
    },
    validate: (obj) => version.validate(obj),
    validateUpdate: (next, old) => version.validateUpdate(next, old),
    unknownFields: (obj) => version.unknownFields(obj),
    pruneUnknownFields: (obj) => version.pruneUnknownFields(obj),
    generationChanged: (next, old) => !jsonEqual(generationFields(next), generationFields(old)),
  };
  // `/status` changes only status (everything else carried over) and never bumps the generation.
  const status: ResourceStrategy = {
    ...main,
    subresource: 'status',
    prepareForCreate() {
      throw new Error('the status subresource cannot create objects');
    },
    prepareForUpdate(next, old) {
      const { status: sent } = next;
      const managedFields = next.metadata.managedFields;
      for (const key of Object.keys(next)) delete next[key];
      Object.assign(next, structuredClone(old));
      if (sent === undefined) delete next.status;
      else next.status = sent;
      if (managedFields === undefined) delete next.metadata.managedFields;
      else next.metadata.managedFields = managedFields;
    },
    generationChanged: () => false,
  };
  return { main, status: statusSubresource ? status : undefined, table: fooTable };
}

function strategiesOf(resource: InstalledResource): Strategies {
  const { kind, version } = resource;
  const found = KNOWN.find(
    ({ main }) => main.group === kind.group && main.version === version.name && main.resource === kind.plural,
  );
  return found ?? interimStrategies(kind, version);
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
