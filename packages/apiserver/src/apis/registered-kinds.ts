/**
 * The kinds this server installs: the one place that names them. Adding a kind is one more
 * entry here (its definition made with @pwk/api's defineKind).
 */
import { fooKind } from '@pwk/api';
import type { KindDefinition } from '@pwk/api';

/** What `startServer` installs unless told otherwise. */
export const REGISTERED_KINDS: readonly KindDefinition[] = [fooKind];
