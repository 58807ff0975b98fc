/** Transitional: the installed kind's strategy, until server assembly builds its stores from strategyFor. */
import { fooKind } from '@pwk/api';
import { strategyFor } from './kind-strategy';
import type { ResourceStrategy } from './strategy';

export const fooStrategy: ResourceStrategy = strategyFor(fooKind, fooKind.storageVersion);
