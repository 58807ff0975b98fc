/** The `<Kind>List` schema of one version, as apiextensions-apiserver builds a CRD's list type. */
import { z } from 'zod';
import { listMetaSchema } from '../metav1';

export interface ListSchemaOptions {
  apiVersion: string;
  kind: string;
  listKind: string;
  plural: string;
  /** The version's object schema: the type of `items`. */
  item: z.ZodObject;
}

export function listSchemaOf(opts: ListSchemaOptions): z.ZodObject {
  const { apiVersion, kind, listKind, plural, item } = opts;
  return z
    .strictObject({
      apiVersion: z.literal(apiVersion).describe(`The versioned schema of this list: ${apiVersion}.`),
      kind: z.literal(listKind).describe(`The kind of this list: ${listKind}.`),
      metadata: listMetaSchema,
      items: z.array(item).describe(`List of ${plural}.`),
    })
    .describe(`${listKind} is a list of ${kind}.`);
}
