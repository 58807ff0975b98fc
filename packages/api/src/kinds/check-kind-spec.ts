/**
 * The checks apiextensions-apiserver makes on a CRD's spec (ValidateCustomResourceDefinition),
 * made on a KindSpec when it is defined: a mistake in a kind's definition is a clear Error at
 * start-up, not a strange answer to some request later.
 */
import { z } from 'zod';
import { isDNS1123Label, isDNS1123Subdomain } from '../metav1';
import type { KindSpec, KindVersionSpec } from './kind-definition';
import { literalValue, unwrapDef } from './schema-shape';
import type { ZodDef, ZodNode } from './schema-shape';
import { declaresObjectMeta } from './scoped-schema';

export class KindDefinitionError extends Error {
  override readonly name = 'KindDefinitionError';
}

function fail(spec: KindSpec, message: string): never {
  throw new KindDefinitionError(`kind ${spec.kind || '(unnamed)'} (${spec.group}): ${message}`);
}

function checkNames(spec: KindSpec): void {
  if (isDNS1123Subdomain(spec.group).length > 0 || !spec.group.includes('.'))
    fail(spec, `group "${spec.group}" must be a DNS subdomain with at least one dot`);
  if (!/^[A-Z][A-Za-z0-9]*$/.test(spec.kind)) fail(spec, `kind "${spec.kind}" must be CamelCase`);
  for (const [what, name] of [
    ['plural', spec.plural],
    ['singular', spec.singular],
    ...(spec.shortNames ?? []).map((s) => ['shortName', s] as const),
  ] as const) {
    if (isDNS1123Label(name).length > 0) fail(spec, `${what} "${name}" must be a lowercase DNS-1123 label`);
  }
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster')
    fail(spec, `scope must be Namespaced or Cluster, not "${String(spec.scope)}"`);
}

const COLUMN_TYPES = new Set(['integer', 'number', 'string', 'boolean', 'date']);
const COLUMN_FORMATS = new Set([
  'int32',
  'int64',
  'float',
  'double',
  'byte',
  'date',
  'date-time',
  'password',
]);
/** apiextensions' limit on selectableFields per version. */
const MAX_SELECTABLE_FIELDS = 8;
const SIMPLE_PATH = /^(\.[A-Za-z0-9_-]+)+$/;

/** The schema at a simple JSONPath (`.spec.size`), or undefined past what the schema knows. */
function schemaAtPath(schema: ZodNode, path: string): ZodDef | undefined {
  let def: ZodDef | undefined = unwrapDef(schema);
  for (const name of path.split('.').slice(1)) {
    const field: ZodNode | undefined = def?.type === 'object' ? def.shape?.[name] : undefined;
    def = field ? unwrapDef(field) : undefined;
  }
  return def;
}

function checkColumns(spec: KindSpec, version: KindVersionSpec, at: string): void {
  for (const column of version.printerColumns ?? []) {
    const where = `${at}: printer column "${column.name}"`;
    if (!column.name) fail(spec, `${at}: a printer column needs a name`);
    if (!COLUMN_TYPES.has(column.type))
      fail(spec, `${where}: type must be one of ${[...COLUMN_TYPES].join(', ')}`);
    if (column.format && !COLUMN_FORMATS.has(column.format))
      fail(spec, `${where}: format must be one of ${[...COLUMN_FORMATS].join(', ')}`);
    if (!SIMPLE_PATH.test(column.jsonPath))
      fail(spec, `${where}: jsonPath must be a simple path such as .spec.size`);
  }
}

/** As apiextensions checks a CRD's selectableFields (Kubernetes 1.32). */
function checkSelectableFields(spec: KindSpec, version: KindVersionSpec, at: string): void {
  const fields = version.selectableFields ?? [];
  if (fields.length > MAX_SELECTABLE_FIELDS)
    fail(spec, `${at}: at most ${MAX_SELECTABLE_FIELDS} selectableFields are allowed`);
  const seen = new Set<string>();
  for (const { jsonPath } of fields) {
    const where = `${at}: selectable field ${jsonPath}`;
    if (!SIMPLE_PATH.test(jsonPath))
      fail(spec, `${where}: jsonPath must be a simple path such as .spec.size`);
    if (jsonPath === '.metadata' || jsonPath.startsWith('.metadata.'))
      fail(spec, `${where}: metadata fields are selectable already`);
    if (seen.has(jsonPath)) fail(spec, `${where}: listed twice`);
    seen.add(jsonPath);
    const def = schemaAtPath(version.schema as unknown as ZodNode, jsonPath);
    const integer = def?.type === 'number' && /^(u?int\d*|safeint)$/.test(def.format ?? '');
    if (!integer && !['string', 'boolean', 'enum'].includes(def?.type ?? ''))
      fail(spec, `${where}: must be a string, integer or boolean field of the schema`);
  }
}

function checkVersion(spec: KindSpec, version: KindVersionSpec): void {
  const at = `version ${version.name}`;
  if (isDNS1123Label(version.name).length > 0) fail(spec, `${at}: the name must be a DNS-1123 label`);
  const apiVersion = `${spec.group}/${version.name}`;
  const shape = version.schema.shape;
  if (literalValue(shape.apiVersion) !== apiVersion)
    fail(spec, `${at}: the schema's apiVersion must be z.literal('${apiVersion}')`);
  if (literalValue(shape.kind) !== spec.kind)
    fail(spec, `${at}: the schema's kind must be z.literal('${spec.kind}')`);
  if (!declaresObjectMeta(version.schema))
    fail(spec, `${at}: the schema's metadata must be objectMetaSchema`);
  if (version.deprecationWarning !== undefined && !version.deprecated)
    fail(spec, `${at}: deprecationWarning is only allowed on a deprecated version`);
  checkColumns(spec, version, at);
  checkSelectableFields(spec, version, at);
  const scale = version.subresources?.scale;
  if (scale) {
    if (!scale.specReplicasPath.startsWith('.spec.'))
      fail(spec, `${at}: scale.specReplicasPath must be under .spec`);
    if (!scale.statusReplicasPath.startsWith('.status.'))
      fail(spec, `${at}: scale.statusReplicasPath must be under .status`);
    const selector = scale.labelSelectorPath;
    if (selector !== undefined && !selector.startsWith('.spec.') && !selector.startsWith('.status.'))
      fail(spec, `${at}: scale.labelSelectorPath must be under .spec or .status`);
  }
}

/** The schema as it stands for "same schema", apiVersion aside (CRD conversion strategy None). */
function schemaFingerprint(version: KindVersionSpec): string {
  const { apiVersion: _apiVersion, ...rest } = version.schema.shape;
  return JSON.stringify(z.toJSONSchema(z.object(rest), { unrepresentable: 'any', io: 'input' }));
}

function checkConversion(spec: KindSpec): void {
  const names = spec.versions.map((v) => v.name);
  const { conversion } = spec;
  if (!conversion) {
    const [first, ...others] = spec.versions.map(schemaFingerprint);
    if (others.some((other) => other !== first))
      fail(spec, 'the versions have different schemas, so a conversion is needed');
    return;
  }
  if (!names.includes(conversion.hub)) fail(spec, `the conversion hub "${conversion.hub}" is not a version`);
  for (const spoke of Object.keys(conversion.spokes)) {
    if (spoke === conversion.hub) fail(spec, `the conversion hub "${spoke}" cannot also be a spoke`);
    if (!names.includes(spoke)) fail(spec, `the conversion spoke "${spoke}" is not a version`);
  }
  for (const name of names) {
    if (name !== conversion.hub && !conversion.spokes[name])
      fail(spec, `version ${name} has no conversion to and from the hub ${conversion.hub}`);
  }
}

/** Throws a KindDefinitionError naming the first problem with spec. */
export function checkKindSpec(spec: KindSpec): void {
  checkNames(spec);
  if (spec.versions.length === 0) fail(spec, 'at least one version is required');
  const names = spec.versions.map((v) => v.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) fail(spec, `version ${duplicate} is defined twice`);
  const storage = spec.versions.filter((v) => v.storage);
  if (storage.length !== 1)
    fail(spec, `exactly one version must be the storage version, not ${storage.length}`);
  if (!spec.versions.some((v) => v.served)) fail(spec, 'at least one version must be served');
  for (const version of spec.versions) checkVersion(spec, version);
  checkConversion(spec);
}
