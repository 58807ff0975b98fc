/** Transitional: the installed kind's status strategy, until server assembly builds its stores from statusStrategyFor. */
import { fooKind } from '@pwk/api';
import { statusStrategyFor } from './kind-strategy';
import type { ResourceStrategy } from './strategy';

export const fooStatusStrategy: ResourceStrategy = statusStrategyFor(fooKind, fooKind.storageVersion)!;
