/**
 * The metadata the server owns (rest.FillObjectMetaSystemFields and the update path's carry-over):
 * a client's values for these are ignored, on create they are set fresh and on update they are
 * kept from the stored object.
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../storage/interface';
import { generateName } from './generated-name';
import { rfc3339Seconds } from './timestamps';

/** A new object's name (from generateName when unnamed), uid, creationTimestamp and generation 1. */
export function fillCreateSystemFields(meta: KubeObject['metadata'], now: Date): void {
  if (!meta.name && typeof meta.generateName === 'string' && meta.generateName) {
    meta.name = generateName(meta.generateName);
  }
  meta.uid = randomUUID();
  meta.creationTimestamp = rfc3339Seconds(now);
  meta.generation = 1;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
}

/** An update's name and namespace from the URL; uid, timestamps and resourceVersion from the stored object. */
export function carryOverSystemFields(
  meta: KubeObject['metadata'],
  current: KubeObject,
  target: { namespace: string; name: string },
): void {
  meta.name = target.name;
  setNamespace(meta, target.namespace);
  meta.uid ??= current.metadata.uid;
  meta.creationTimestamp = current.metadata.creationTimestamp;
  meta.deletionTimestamp = current.metadata.deletionTimestamp;
  if (meta.deletionTimestamp === undefined) delete meta.deletionTimestamp;
  meta.resourceVersion = current.metadata.resourceVersion;
}

/** The request's namespace on the object; none for a cluster-scoped object (namespace ''). */
export function setNamespace(meta: KubeObject['metadata'], namespace: string): void {
  if (namespace) meta.namespace = namespace;
  else delete meta.namespace;
}
