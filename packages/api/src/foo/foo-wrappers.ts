/**
 * The exports Foo had before defineKind, as thin wrappers over fooKind: the API server still
 * imports some of them. Each goes once nothing imports it.
 */
import type { OpenAPISchemaOptions } from '../kinds/openapi-schemas';
import type { SchemaValidationResult } from '../kinds/validation';
import type { Foo } from './v1beta1';
import { fooKind } from './foo-kind';

const v1beta1 = fooKind.version('v1beta1')!;

export type FooValidationResult = SchemaValidationResult;

export const fooListSchema = v1beta1.listSchema;
export type FooList = {
  apiVersion: Foo['apiVersion'];
  kind: 'FooList';
  metadata: Record<string, unknown>;
  items: Foo[];
};

export const DEFAULT_REPLICAS = 1;

/** Returns a defaulted copy; the input is not changed. */
export const defaultFoo = <T>(obj: T): T => v1beta1.applyDefaults(obj);
export const validateFoo = (obj: unknown): FooValidationResult => v1beta1.validate(obj);
export const validateFooUpdate = (next: unknown, old: unknown): FooValidationResult =>
  v1beta1.validateUpdate(next, old);
export const findUnknownFields = (obj: unknown): string[] => v1beta1.unknownFields(obj);
export const pruneUnknownFields = <T>(obj: T): T => v1beta1.pruneUnknownFields(obj);
export const fooOpenAPISchemas = (opts: OpenAPISchemaOptions): Record<string, Record<string, unknown>> =>
  v1beta1.openAPISchemas(opts);
