/**
 * What an admission plugin is told about a request (k8s.io/apiserver admission.Attributes) and
 * the two kinds of plugin, run in kube-apiserver's order: every mutating one (`admit`, which may
 * change the object) before the object is validated, every validating one (`validate`) after,
 * just before the write. A plugin refuses by throwing a StatusError; nothing is written then.
 */
import type { KubeObject } from '../storage/interface';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AdmissionAttributes {
  operation: AdmissionOperation;
  group: string;
  version: string;
  kind: string;
  resource: string;
  subresource?: string;
  /** '' for cluster-scoped resources. */
  namespace: string;
  /** The object's name; for a create with generateName, what the name will be generated from. */
  name: string;
  /** The object about to be stored (CREATE, UPDATE). */
  object?: KubeObject;
  /** The stored object (UPDATE, DELETE). */
  oldObject?: KubeObject;
  dryRun: boolean;
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

/** The name a refusal names (admission.NewForbidden): the object's, else its generateName, else "Unknown". */
export function subjectName(attributes: AdmissionAttributes): string {
  if (attributes.name) return attributes.name;
  const generateName = attributes.object?.metadata?.generateName;
  return typeof generateName === 'string' && generateName ? generateName : 'Unknown';
}
