/**
 * The request's objects as a webhook or policy that matched another version of the resource sees
 * them (k8s.io/apiserver's VersionedAttributes): converted to the kind it matched, or the request's
 * own objects when that is the request's kind. A mutation made in that version is converted back
 * before the request goes on (`fromVersioned`).
 */
import { KindConversionError } from '@pwk/api';
import type { EquivalentResources, KindRef } from '../apis/equivalent-resources';
import { StatusError } from '../errors/status-error';
import type { KubeObject } from '../storage/interface';
import type { AdmissionAttributes } from './attributes';

export interface VersionedObjects {
  object: KubeObject | undefined;
  oldObject: KubeObject | undefined;
}

function converted(object: KubeObject, to: KindRef, equivalents: EquivalentResources): KubeObject {
  try {
    return equivalents.convert(object, to);
  } catch (err) {
    if (!(err instanceof KindConversionError)) throw err;
    const message = `failed to convert object to ${to.group}/${to.version}, Kind=${to.kind}: ${err.message}`;
    throw new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, {
      details: { causes: [{ message }] },
    });
  }
}

export function versionedObjects(
  attributes: Pick<AdmissionAttributes, 'object' | 'oldObject'>,
  kind: KindRef,
  equivalents: EquivalentResources,
): VersionedObjects {
  return {
    object: attributes.object && converted(attributes.object, kind, equivalents),
    oldObject: attributes.oldObject && converted(attributes.oldObject, kind, equivalents),
  };
}

/** An object a plugin changed in the version it was shown, in the request's version again. */
export function fromVersioned(
  object: KubeObject,
  attributes: Pick<AdmissionAttributes, 'kind'>,
  equivalents: EquivalentResources,
): KubeObject {
  return converted(object, attributes.kind, equivalents);
}
