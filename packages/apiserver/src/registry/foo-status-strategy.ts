/**
 * Foo's status subresource: a write may change only `status` — everything else is carried
 * over from the stored object — and never bumps the generation (as a CRD's status strategy).
 */
import type { KubeObject } from '../storage/interface';
import { fooStrategy } from './foo-strategy';
import type { ResourceStrategy } from './strategy';

export const fooStatusStrategy: ResourceStrategy = {
  ...fooStrategy,
  subresource: 'status',
  prepareForCreate() {
    throw new Error('the status subresource cannot create objects');
  },
  prepareForUpdate(next: KubeObject, old: KubeObject) {
    const status = next.status;
    // managedFields were just brought up to date for this status write: they stay.
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
