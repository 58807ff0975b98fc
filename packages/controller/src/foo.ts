/**
 * The one place that says which version of Foo the controller speaks: v1, the version with
 * `spec.paused`. Everything else in the controller names only these.
 */
import { fooKind } from '@pwk/api';
import type { FooV1 } from '@pwk/api';

export type { Condition } from '@pwk/api';

/** A Foo as the controller reads and writes it (bar.pwk.educative.io/v1). */
export type Foo = FooV1;
export type FooStatus = NonNullable<Foo['status']>;

/** Where Foos are served: group, version and plural of the REST paths (checked against @pwk/api's definition in test/foo.test.ts). */
export const FOO_API = { group: fooKind.group, version: 'v1', plural: fooKind.plural } as const;
export const FOO_API_VERSION: Foo['apiVersion'] = 'bar.pwk.educative.io/v1';
export const FOO_KIND: Foo['kind'] = 'Foo';
