/**
 * A kind's strategies from its definition, as apiextensions-apiserver's customResourceStrategy
 * and statusStrategy behave for a CRD version: defaults, validation and pruning from the
 * version's schema; with a status subresource, status is written only through `/status` (the
 * main resource keeps the stored status) and `/status` changes only status; without one, status
 * is an ordinary part of the object. Any change outside metadata (and status, when it is a
 * subresource) is a new generation.
 */
import type { KindDefinition, KindVersion } from '@pwk/api';
import { jsonEqual } from '../storage/json-equal';
import type { KubeObject } from '../storage/interface';
import type { ResourceStrategy } from './strategy';

const strategies = new WeakMap<KindVersion, { main: ResourceStrategy; status?: ResourceStrategy }>();

/** The main resource's strategy of a kind at one of its versions (made once per version). */
export function strategyFor(kind: KindDefinition, version: KindVersion): ResourceStrategy {
  return strategiesOf(kind, version).main;
}

/** The `/status` strategy, or undefined when the version has no status subresource (no `/status` endpoint). */
export function statusStrategyFor(kind: KindDefinition, version: KindVersion): ResourceStrategy | undefined {
  return strategiesOf(kind, version).status;
}

function strategiesOf(kind: KindDefinition, version: KindVersion) {
  let made = strategies.get(version);
  if (!made) {
    const main = mainStrategy(kind, version);
    made = { main, status: version.subresources.status ? statusStrategy(main) : undefined };
    strategies.set(version, made);
  }
  return made;
}

function mainStrategy(kind: KindDefinition, version: KindVersion): ResourceStrategy {
  const statusSubresource = version.subresources.status !== undefined;
  const generationFields = (o: KubeObject) => {
    const { metadata: _m, ...rest } = o;
    if (statusSubresource) delete rest.status;
    return rest;
  };
  return {
    group: kind.group,
    version: version.name,
    kind: kind.kind,
    listKind: kind.listKind,
    resource: kind.plural,
    namespaced: kind.namespaced,
    printerColumns: version.printerColumns,
    subresources: version.subresources,
    selectableFields: version.selectableFields,
    semantics: version.semantics,
    applyDefaults: (obj) => version.applyDefaults(obj),
    prepareForCreate(obj) {
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
}

/**
 * `/status`: a write may change only `status` — everything else is carried over from the
 * stored object, managedFields excepted (just brought up to date for this write) — and never
 * bumps the generation.
 */
function statusStrategy(main: ResourceStrategy): ResourceStrategy {
  return {
    ...main,
    subresource: 'status',
    prepareForCreate() {
      throw new Error('the status subresource cannot create objects');
    },
    prepareForUpdate(next, old) {
      const status = next.status;
      const managedFields = next.metadata.managedFields;
      for (const key of Object.keys(next)) delete next[key];
      Object.assign(next, structuredClone(old));
      if (status === undefined) delete next.status;
      else next.status = status;
      if (managedFields === undefined) delete next.metadata.managedFields;
      else next.metadata.managedFields = managedFields;
    },
    generationChanged: () => false,
  };
}
