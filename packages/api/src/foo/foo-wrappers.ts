/**
 * The exports Foo had before defineKind, as thin wrappers over fooKind: the API server still
 * imports some of them. Each goes once nothing imports it.
 */
import type { OpenAPISchemaOptions } from '../kinds/openapi-schemas';
import type { SchemaValidationResult } from '../kinds/validation';
import { fooKind } from './foo-kind';

const v1beta1 = fooKind.version('v1beta1')!;

/** Returns a defaulted copy; the input is not changed. */
export const defaultFoo = <T>(obj: T): T => v1beta1.applyDefaults(obj);
export const validateFoo = (obj: unknown): SchemaValidationResult => v1beta1.validate(obj);
export const validateFooUpdate = (next: unknown, old: unknown): SchemaValidationResult =>
  v1beta1.validateUpdate(next, old);
export const findUnknownFields = (obj: unknown): string[] => v1beta1.unknownFields(obj);
export const pruneUnknownFields = <T>(obj: T): T => v1beta1.pruneUnknownFields(obj);
export const fooOpenAPISchemas = (opts: OpenAPISchemaOptions): Record<string, Record<string, unknown>> =>
  v1beta1.openAPISchemas(opts);
