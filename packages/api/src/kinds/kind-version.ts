/** One version of a kind, with everything derived from its schema (see KindVersion). */
import type { z } from 'zod';
import { schemaDefaulter } from './defaults';
import { META_OPENAPI_COMPONENTS } from '../metav1';
import { openAPISchemas } from './openapi-schemas';
import type { OpenAPIComponent } from './openapi-schemas';
import { schemaValidator } from './validation';
import type { KindSpec, KindVersion, KindVersionSpec } from './kind-definition';
import { listSchemaOf } from './list-schema';
import { openAPIName } from './openapi-names';
import { isObjectSchema } from './schema-shape';
import { schemaSemantics } from './schema-semantics';
import { withScopedMetadata } from './scoped-schema';

/** The named parts of a kind's schema that get components of their own, as kube-openapi names them. */
const NAMED_PARTS = [
  ['spec', 'Spec'],
  ['status', 'Status'],
] as const;

function components(
  spec: KindSpec,
  version: { name: string; schema: z.ZodObject; listSchema: z.ZodObject },
): OpenAPIComponent[] {
  const { group, kind } = spec;
  const listKind = spec.listKind ?? `${kind}List`;
  const name = (part: string) => openAPIName(group, version.name, part);
  const out: OpenAPIComponent[] = [
    { id: name(kind), schema: version.schema, gvk: { group, version: version.name, kind } },
    { id: name(listKind), schema: version.listSchema, gvk: { group, version: version.name, kind: listKind } },
  ];
  for (const [field, suffix] of NAMED_PARTS) {
    // The property's own schema (wrappers and all) is the component, so the property is a plain $ref.
    const part = version.schema.shape[field];
    if (isObjectSchema(part)) out.push({ id: name(`${kind}${suffix}`), schema: part as z.ZodType });
  }
  return out;
}

export function kindVersion(spec: KindSpec, given: KindVersionSpec): KindVersion {
  const apiVersion = `${spec.group}/${given.name}`;
  const listKind = spec.listKind ?? `${spec.kind}List`;
  const schema = withScopedMetadata(given.schema, spec.scope);
  const listSchema = listSchemaOf({
    apiVersion,
    kind: spec.kind,
    listKind,
    plural: spec.plural,
    item: schema,
  });
  const own = components(spec, { name: given.name, schema, listSchema });
  const references: OpenAPIComponent[] = [
    // The scoped ObjectMeta instance is the one the schema holds, so that is the one to reference.
    ...META_OPENAPI_COMPONENTS.map((c) =>
      c.objectMeta ? { ...c, schema: schema.shape.metadata as z.ZodType } : c,
    ),
  ];
  const validator = schemaValidator(schema);
  const applyDefaults = schemaDefaulter(schema);
  return {
    name: given.name,
    apiVersion,
    served: given.served,
    storage: given.storage,
    deprecated: given.deprecated ?? false,
    deprecationWarning: given.deprecationWarning,
    schema,
    listSchema,
    printerColumns: given.printerColumns ?? [],
    subresources: given.subresources ?? {},
    selectableFields: given.selectableFields ?? [],
    semantics: schemaSemantics(schema),
    applyDefaults,
    validate: validator.validate,
    validateUpdate: validator.validateUpdate,
    unknownFields: validator.unknownFields,
    pruneUnknownFields: validator.pruneUnknownFields,
    openAPISchemas: (opts) => openAPISchemas(own, references, opts),
    openAPINames: { kind: own[0]!.id, list: own[1]!.id },
  };
}
