/**
 * What a write asks of the registry store beside its object (metav1.CreateOptions /
 * UpdateOptions / PatchOptions as the handlers decoded them), and what it gets back.
 */
import type { AdmissionUser, AuditAnnotation } from '../admission/attributes';
import type { KubeObject } from '../storage/interface';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/**
 * Keys the body gave twice (the last one won), as the decoder words them: `duplicate field
 * "spec.replicas"` (JSON) or `line 7: key "replicas" already set in map` (YAML, go-yaml's words).
 */
export interface DuplicateFields {
  yaml: boolean;
  messages: string[];
}

export interface WriteOptions {
  dryRun: boolean;
  fieldValidation: FieldValidation;
  /** Whether the request named fieldValidation (admission shows only what was sent, as kube). */
  fieldValidationGiven?: boolean;
  /** Found while decoding the body; fieldValidation treats them with the unknown fields. */
  duplicateFields?: DuplicateFields;
  /** `?fieldManager=`; else the User-Agent's program name is the manager, as in Kubernetes. */
  fieldManager?: string;
  userAgent?: string;
  /** Who asks, for admission. */
  user?: AdmissionUser;
  /** Which options a PATCH or apply came with (admission shows PatchOptions); default by operation. */
  optionsKind?: 'PatchOptions';
  /** Apply's `force`, as admission shows it in PatchOptions. */
  force?: boolean;
  /** Where admission's audit annotations go (the request's audit event), when it is audited. */
  auditAnnotations?: Record<string, AuditAnnotation>;
}

/** 'record': the write's changed fields go to its manager; 'keep': managedFields are already set (apply). */
export type FieldTracking = 'record' | 'keep';

export interface WriteResult {
  object: KubeObject;
  warnings: string[];
}
