/**
 * What the registry tells admission about a write: the attributes k8s.io/apiserver's handlers
 * build (kind, resource, subresource, names, the object and the stored one, the user and the
 * operation's options as sent), and, for a subresource with a view of its own (widgets/scale), how
 * admission sees the object (an autoscaling/v1 Scale) and how a mutation of that view is folded
 * back into the object.
 */
import type {
  AdmissionAttributes,
  AdmissionOperation,
  AdmissionUser,
  AuditAnnotation,
  GroupVersionKind,
} from '../admission/attributes';
import type { KubeObject } from '../storage/interface';
import type { ResourceStrategy } from './strategy';

/** A subresource whose objects are another kind (kube's scale: autoscaling/v1 Scale). */
export interface AdmissionView {
  subresource: string;
  kind: GroupVersionKind;
  toView(object: KubeObject): KubeObject;
  /** The object with what a mutating plugin changed in the view carried over. */
  fromView(view: KubeObject, object: KubeObject): KubeObject;
}

/** The meta.k8s.io/v1 options kind of each write, as the attributes carry it. */
export type OptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions';

/**
 * What the plugins leave behind over one write (both phases share it): the warnings for the
 * client and the audit annotations.
 */
export interface AdmissionRecord {
  warnings: string[];
  auditAnnotations: Record<string, AuditAnnotation>;
}

/**
 * A fresh record; with `auditAnnotations` (the request's audit event, see WriteOptions) the
 * annotations are collected there, emptied first — only the last attempt of a retried write counts.
 */
export function newAdmissionRecord(auditAnnotations?: Record<string, AuditAnnotation>): AdmissionRecord {
  if (!auditAnnotations) return { warnings: [], auditAnnotations: {} };
  for (const key of Object.keys(auditAnnotations)) delete auditAnnotations[key];
  return { warnings: [], auditAnnotations };
}

export interface AdmissionRequest {
  operation: AdmissionOperation;
  namespace: string;
  name: string;
  object?: KubeObject;
  oldObject?: KubeObject;
  dryRun: boolean;
  user?: AdmissionUser;
  options: { kind: OptionsKind; fields?: Record<string, unknown> };
  view?: AdmissionView;
  /** Shared by the phases of one write; a fresh one when absent. */
  record?: AdmissionRecord;
}

export function admissionAttributes(
  strategy: ResourceStrategy,
  request: AdmissionRequest,
): AdmissionAttributes {
  const { view } = request;
  const options: Record<string, unknown> = { kind: request.options.kind, apiVersion: 'meta.k8s.io/v1' };
  if (request.dryRun) options.dryRun = ['All'];
  for (const [key, value] of Object.entries(request.options.fields ?? {})) {
    if (value !== undefined) options[key] = value;
  }
  return {
    operation: request.operation,
    kind: view?.kind ?? { group: strategy.group, version: strategy.version, kind: strategy.kind },
    resource: { group: strategy.group, version: strategy.version, resource: strategy.resource },
    subresource: view?.subresource ?? strategy.subresource ?? '',
    namespace: request.namespace,
    name: request.name,
    object: request.object && view ? view.toView(request.object) : request.object,
    oldObject: request.oldObject && view ? view.toView(request.oldObject) : request.oldObject,
    dryRun: request.dryRun,
    userInfo: request.user,
    options,
    warnings: request.record?.warnings ?? [],
    auditAnnotations: request.record?.auditAnnotations ?? {},
  };
}
