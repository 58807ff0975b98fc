/**
 * admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding
 * as pwk reads them (from the core API or from static manifests). Only the fields admission uses
 * are typed; defaults are applied where they are read (defaults.ts).
 */
import type {
  FailurePolicy,
  LabelSelectorSpec,
  MatchCondition,
  MatchPolicy,
  Operation,
  Scope,
} from '../webhook/types';

export interface NamedRuleWithOperations {
  resourceNames?: string[];
  operations: Operation[];
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  scope?: Scope;
}

export interface MatchResources {
  namespaceSelector?: LabelSelectorSpec;
  objectSelector?: LabelSelectorSpec;
  resourceRules?: NamedRuleWithOperations[];
  excludeResourceRules?: NamedRuleWithOperations[];
  matchPolicy?: MatchPolicy;
}

export interface Validation {
  expression: string;
  message?: string;
  reason?: string;
  messageExpression?: string;
}

export interface AuditAnnotationSpec {
  key: string;
  valueExpression: string;
}

export interface PolicyVariable {
  name: string;
  expression: string;
}

export interface ParamKind {
  apiVersion?: string;
  kind?: string;
}

export interface ValidatingAdmissionPolicy {
  apiVersion?: string;
  kind?: string;
  metadata: { name?: string; uid?: string; resourceVersion?: string; [k: string]: unknown };
  spec?: {
    paramKind?: ParamKind;
    matchConstraints?: MatchResources;
    validations?: Validation[];
    failurePolicy?: FailurePolicy;
    auditAnnotations?: AuditAnnotationSpec[];
    matchConditions?: MatchCondition[];
    variables?: PolicyVariable[];
  };
  [k: string]: unknown;
}

export type ValidationAction = 'Deny' | 'Warn' | 'Audit';

export interface ParamRef {
  name?: string;
  namespace?: string;
  selector?: LabelSelectorSpec;
  parameterNotFoundAction?: 'Allow' | 'Deny';
}

export interface ValidatingAdmissionPolicyBinding {
  apiVersion?: string;
  kind?: string;
  metadata: { name?: string; uid?: string; resourceVersion?: string; [k: string]: unknown };
  spec?: {
    policyName?: string;
    paramRef?: ParamRef;
    matchResources?: MatchResources;
    validationActions?: ValidationAction[];
  };
  [k: string]: unknown;
}

export const POLICY_KIND = 'ValidatingAdmissionPolicy';
export const BINDING_KIND = 'ValidatingAdmissionPolicyBinding';

/** Where the core API serves them (what pwk lists and watches, and RBAC grants). */
export const VALIDATING_ADMISSION_POLICIES_PATH =
  '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies';
export const VALIDATING_ADMISSION_POLICY_BINDINGS_PATH =
  '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings';
