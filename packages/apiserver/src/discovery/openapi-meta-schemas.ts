/**
 * Kubernetes' own schemas that Foo's operations reference but Foo's Zod schema does not produce:
 * meta/v1 Status (+ details, causes), DeleteOptions (+ Preconditions), Patch, WatchEvent
 * (+ runtime.RawExtension) and autoscaling/v1 Scale (+ spec, status). Written by hand after
 * kubernetes/api/openapi-spec, trimmed to what is published there (long descriptions shortened).
 */
import { GROUP, OPENAPI_NAMES, VERSION } from '@pwk/api';

type JsonObject = Record<string, unknown>;

export const META_SCHEMA_NAMES = {
  status: 'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
  statusDetails: 'io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails',
  statusCause: 'io.k8s.apimachinery.pkg.apis.meta.v1.StatusCause',
  deleteOptions: 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions',
  preconditions: 'io.k8s.apimachinery.pkg.apis.meta.v1.Preconditions',
  patch: 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch',
  watchEvent: 'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent',
  rawExtension: 'io.k8s.apimachinery.pkg.runtime.RawExtension',
  scale: 'io.k8s.api.autoscaling.v1.Scale',
  scaleSpec: 'io.k8s.api.autoscaling.v1.ScaleSpec',
  scaleStatus: 'io.k8s.api.autoscaling.v1.ScaleStatus',
} as const;

const CONVENTIONS = 'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md';

const API_VERSION_PROPERTY = {
  description: `APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: ${CONVENTIONS}#resources`,
  type: 'string',
};

const KIND_PROPERTY = {
  description: `Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: ${CONVENTIONS}#types-kinds`,
  type: 'string',
};

const DRY_RUN_DESCRIPTION =
  'When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed';

/**
 * meta/v1 kinds are registered in every group version (metav1.AddToGroupVersion), so kube lists
 * the core one and one per group; ours is the only other group here.
 */
function metaKind(kind: string): JsonObject[] {
  return [
    { group: '', kind, version: 'v1' },
    { group: GROUP, kind, version: VERSION },
  ];
}

function int32(description: string): JsonObject {
  return { description, format: 'int32', type: 'integer' };
}

function text(description: string): JsonObject {
  return { description, type: 'string' };
}

function statusSchemas(ref: (name: string) => JsonObject): Record<string, JsonObject> {
  return {
    [META_SCHEMA_NAMES.status]: {
      description: "Status is a return value for calls that don't return other objects.",
      properties: {
        apiVersion: API_VERSION_PROPERTY,
        code: int32('Suggested HTTP return code for this status, 0 if not set.'),
        details: {
          ...ref(META_SCHEMA_NAMES.statusDetails),
          description:
            'Extended data associated with the reason.  Each reason may define its own extended details. This field is optional and the data returned is not guaranteed to conform to any schema except that defined by the reason type.',
        },
        kind: KIND_PROPERTY,
        message: text('A human-readable description of the status of this operation.'),
        metadata: {
          ...ref(OPENAPI_NAMES.listMeta),
          description: `Standard list metadata. More info: ${CONVENTIONS}#types-kinds`,
        },
        reason: text(
          'A machine-readable description of why this operation is in the "Failure" status. If this value is empty there is no information available. A Reason clarifies an HTTP status code but does not override it.',
        ),
        status: text(
          `Status of the operation. One of: "Success" or "Failure". More info: ${CONVENTIONS}#spec-and-status`,
        ),
      },
      type: 'object',
      'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }],
    },
    [META_SCHEMA_NAMES.statusDetails]: {
      description:
        'StatusDetails is a set of additional properties that MAY be set by the server to provide additional information about a response. The Reason field of a Status object defines what attributes will be set. Clients must ignore fields that do not match the defined type of each attribute, and should assume that any attribute may be empty, invalid, or under defined.',
      properties: {
        causes: {
          description:
            'The Causes array includes more details associated with the StatusReason failure. Not all StatusReasons may provide detailed causes.',
          items: ref(META_SCHEMA_NAMES.statusCause),
          type: 'array',
          'x-kubernetes-list-type': 'atomic',
        },
        group: text('The group attribute of the resource associated with the status StatusReason.'),
        kind: text(
          `The kind attribute of the resource associated with the status StatusReason. On some operations may differ from the requested resource Kind. More info: ${CONVENTIONS}#types-kinds`,
        ),
        name: text(
          'The name attribute of the resource associated with the status StatusReason (when there is a single name which can be described).',
        ),
        retryAfterSeconds: int32(
          'If specified, the time in seconds before the operation should be retried. Some errors may indicate the client must take an alternate action - for those errors this field may indicate how long to wait before taking the alternate action.',
        ),
        uid: text(
          'UID of the resource. (when there is a single resource which can be described). More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#uids',
        ),
      },
      type: 'object',
    },
    [META_SCHEMA_NAMES.statusCause]: {
      description:
        'StatusCause provides more information about an api.Status failure, including cases when multiple errors are encountered.',
      properties: {
        field: text(
          'The field of the resource that has caused this error, as named by its JSON serialization. May include dot and postfix notation for nested attributes. Arrays are zero-indexed.  Fields may appear more than once in an array of causes due to fields having multiple errors. Optional.',
        ),
        message: text(
          'A human-readable description of the cause of the error.  This field may be presented as-is to a reader.',
        ),
        reason: text(
          'A machine-readable description of the cause of the error. If this value is empty there is no information available.',
        ),
      },
      type: 'object',
    },
  };
}

function deleteSchemas(ref: (name: string) => JsonObject): Record<string, JsonObject> {
  return {
    [META_SCHEMA_NAMES.deleteOptions]: {
      description: 'DeleteOptions may be provided when deleting an API object.',
      properties: {
        apiVersion: API_VERSION_PROPERTY,
        dryRun: {
          description: DRY_RUN_DESCRIPTION,
          items: { type: 'string' },
          type: 'array',
          'x-kubernetes-list-type': 'atomic',
        },
        gracePeriodSeconds: {
          description:
            'The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately. If this value is nil, the default grace period for the specified type will be used. Defaults to a per object value if not specified. zero means delete immediately.',
          format: 'int64',
          type: 'integer',
        },
        kind: KIND_PROPERTY,
        orphanDependents: {
          description:
            'Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7. Should the dependent objects be orphaned. If true/false, the "orphan" finalizer will be added to/removed from the object\'s finalizers list. Either this field or PropagationPolicy may be set, but not both.',
          type: 'boolean',
        },
        preconditions: {
          ...ref(META_SCHEMA_NAMES.preconditions),
          description:
            'Must be fulfilled before a deletion is carried out. If not possible, a 409 Conflict status will be returned.',
        },
        propagationPolicy: text(
          "Whether and how garbage collection will be performed. Either this field or OrphanDependents may be set, but not both. The default policy is decided by the existing finalizer set in the metadata.finalizers and the resource-specific default policy. Acceptable values are: 'Orphan' - orphan the dependents; 'Background' - allow the garbage collector to delete the dependents in the background; 'Foreground' - a cascading policy that deletes all dependents in the foreground.",
        ),
      },
      type: 'object',
      'x-kubernetes-group-version-kind': metaKind('DeleteOptions'),
    },
    [META_SCHEMA_NAMES.preconditions]: {
      description:
        'Preconditions must be fulfilled before an operation (update, delete, etc.) is carried out.',
      properties: {
        resourceVersion: text('Specifies the target ResourceVersion'),
        uid: text('Specifies the target UID.'),
      },
      type: 'object',
    },
  };
}

function watchAndPatchSchemas(ref: (name: string) => JsonObject): Record<string, JsonObject> {
  return {
    [META_SCHEMA_NAMES.patch]: {
      description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
      type: 'object',
    },
    [META_SCHEMA_NAMES.watchEvent]: {
      description: 'Event represents a single event to a watched resource.',
      properties: {
        object: {
          ...ref(META_SCHEMA_NAMES.rawExtension),
          description:
            'Object is:\n * If Type is Added or Modified: the new state of the object.\n * If Type is Deleted: the state of the object immediately before deletion.\n * If Type is Error: *Status is recommended; other types may make sense\n   depending on context.',
        },
        type: { type: 'string' },
      },
      required: ['type', 'object'],
      type: 'object',
      'x-kubernetes-group-version-kind': metaKind('WatchEvent'),
    },
    [META_SCHEMA_NAMES.rawExtension]: {
      description: 'RawExtension is used to hold extensions in external versions.',
      type: 'object',
    },
  };
}

function scaleSchemas(ref: (name: string) => JsonObject): Record<string, JsonObject> {
  return {
    [META_SCHEMA_NAMES.scale]: {
      description: 'Scale represents a scaling request for a resource.',
      properties: {
        apiVersion: API_VERSION_PROPERTY,
        kind: KIND_PROPERTY,
        metadata: {
          ...ref(OPENAPI_NAMES.objectMeta),
          description: `Standard object metadata; More info: ${CONVENTIONS}#metadata.`,
        },
        spec: {
          ...ref(META_SCHEMA_NAMES.scaleSpec),
          description: `spec defines the behavior of the scale. More info: ${CONVENTIONS}#spec-and-status.`,
        },
        status: {
          ...ref(META_SCHEMA_NAMES.scaleStatus),
          description: `status is the current status of the scale. More info: ${CONVENTIONS}#spec-and-status. Read-only.`,
        },
      },
      type: 'object',
      'x-kubernetes-group-version-kind': [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }],
    },
    [META_SCHEMA_NAMES.scaleSpec]: {
      description: 'ScaleSpec describes the attributes of a scale subresource.',
      properties: {
        replicas: int32('replicas is the desired number of instances for the scaled object.'),
      },
      type: 'object',
    },
    [META_SCHEMA_NAMES.scaleStatus]: {
      description: 'ScaleStatus represents the current status of a scale subresource.',
      properties: {
        replicas: int32('replicas is the actual number of observed instances of the scaled object.'),
        selector: text(
          'selector is the label query over pods that should match the replicas count. This is same as the label selector but in the string format to avoid introspection by clients. The string will be in the same format as the query-param syntax. More info about label selectors: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/',
        ),
      },
      required: ['replicas'],
      type: 'object',
    },
  };
}

/**
 * The hand-written Kubernetes schemas, with `$ref`s under `refPrefix` (`#/components/schemas/`
 * for v3, `#/definitions/` for Swagger 2.0). They reference ObjectMeta and ListMeta, which
 * `fooOpenAPISchemas` provides. Returns fresh objects on every call.
 */
export function metaOpenAPISchemas(refPrefix: string): Record<string, JsonObject> {
  const ref = (name: string): JsonObject => ({ $ref: `${refPrefix}${name}` });
  return {
    ...statusSchemas(ref),
    ...deleteSchemas(ref),
    ...watchAndPatchSchemas(ref),
    ...scaleSchemas(ref),
  };
}
