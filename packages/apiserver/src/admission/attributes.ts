/**
 * What an admission plugin is told about a request (k8s.io/apiserver admission.Attributes) and
 * the two kinds of plugin, run in kube-apiserver's order: every mutating one (`admit`, which may
 * change the object) before the object is validated, every validating one (`validate`) after,
 * just before the write. A plugin refuses by throwing a StatusError; nothing is written then.
 */
import type { UserInfo } from '../auth/user';
import type { KubeObject } from '../storage/interface';

/** Who asks (authentication's user.Info), as admission sees the requester. */
export type AdmissionUser = UserInfo;

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export interface AdmissionAttributes {
  operation: AdmissionOperation;
  /** What `object` is (autoscaling/v1 Scale on widgets/scale). */
  kind: GroupVersionKind;
  resource: GroupVersionResource;
  /** '' for the main resource, else 'status' or 'scale'. */
  subresource: string;
  /** '' for cluster-scoped resources. */
  namespace: string;
  /** The object's name; for a create with generateName, '' (subjectName names the generateName). */
  name: string;
  /** The object about to be stored (CREATE, UPDATE); a mutating plugin may change it in place. */
  object?: KubeObject;
  /** The stored object (UPDATE, DELETE). */
  oldObject?: KubeObject;
  dryRun: boolean;
  /** Who asks; absent only for writes the server makes itself. */
  userInfo?: AdmissionUser;
  /** The operation's options as sent (meta.k8s.io/v1 CreateOptions, UpdateOptions, PatchOptions, DeleteOptions). */
  options?: Record<string, unknown>;
  /**
   * Warnings for the client (`Warning: 299` headers, as k8s.io/apiserver's warning.AddWarning),
   * added by any plugin; sent with the answer whether the write succeeds or is refused.
   */
  warnings?: string[];
  /** Audit annotations added by plugins (kube's Attributes.AddAnnotation), for the audit log. */
  auditAnnotations?: Record<string, AuditAnnotation>;
}

/** One audit annotation and the audit level from which it is logged (kube: Metadata; Request for webhook patches). */
export interface AuditAnnotation {
  value: string;
  level: 'Metadata' | 'Request';
}

export interface AdmissionPlugin {
  readonly name: string;
  /** Mutating phase. */
  admit?(attributes: AdmissionAttributes): Promise<void>;
  /** Validating phase. */
  validate?(attributes: AdmissionAttributes): Promise<void>;
}

/** The plugins in order; each phase runs them one after another and stops at the first refusal. */
export interface AdmissionChain {
  admit(attributes: AdmissionAttributes): Promise<void>;
  validate(attributes: AdmissionAttributes): Promise<void>;
}

export function admissionChain(plugins: readonly AdmissionPlugin[]): AdmissionChain {
  const mutating = plugins.filter((p) => p.admit);
  const validating = plugins.filter((p) => p.validate);
  return {
    async admit(attributes) {
      for (const plugin of mutating) await plugin.admit!(attributes);
    },
    async validate(attributes) {
      for (const plugin of validating) await plugin.validate!(attributes);
    },
  };
}

/** Adds a warning for the client; the same text twice is sent once (kube's warning recorder dedupes). */
export function addWarning(attributes: AdmissionAttributes, text: string): void {
  const warnings = (attributes.warnings ??= []);
  if (text && !warnings.includes(text)) warnings.push(text);
}

/**
 * Adds an audit annotation as kube's AddAnnotationWithLevel does: a key already set to another
 * value is not overwritten (false is returned, and the caller logs it).
 */
export function addAuditAnnotation(
  attributes: AdmissionAttributes,
  annotation: { key: string; value: string; level?: AuditAnnotation['level'] },
): boolean {
  const annotations = (attributes.auditAnnotations ??= {});
  const existing = Object.hasOwn(annotations, annotation.key) ? annotations[annotation.key] : undefined;
  if (existing && existing.value !== annotation.value) return false;
  annotations[annotation.key] = { value: annotation.value, level: annotation.level ?? 'Metadata' };
  return true;
}

/** The name a refusal names (admission.NewForbidden): the object's, else its generateName, else "Unknown". */
export function subjectName(attributes: AdmissionAttributes): string {
  if (attributes.name) return attributes.name;
  const generateName = attributes.object?.metadata?.generateName;
  return typeof generateName === 'string' && generateName ? generateName : 'Unknown';
}
