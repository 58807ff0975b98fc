/**
 * The admission chain's two phases on one kind's writes, as k8s.io/apiserver's handlers call
 * them: mutating admission on what was sent (a subresource's view folded back in), validating
 * admission on exactly what is about to be stored, and both on a DELETE of the stored object.
 */
import type { AdmissionChain } from '../admission/attributes';
import type { KubeObject } from '../storage/interface';
import { admissionAttributes } from './admission-request';
import type { AdmissionRecord, AdmissionRequest } from './admission-request';
import type { DeletionOptions } from './deletion';
import type { ResourceStrategy } from './strategy';
import type { WriteOptions } from './write-options';

/** A create or update as admission is asked about it; dry run, user and options come from WriteOptions. */
export type WriteRequest = Omit<AdmissionRequest, 'options' | 'dryRun' | 'user'> & {
  operation: 'CREATE' | 'UPDATE';
  record: AdmissionRecord;
};

export class WriteAdmission {
  constructor(
    private readonly strategy: ResourceStrategy,
    private readonly chain: AdmissionChain,
  ) {}

  /** Mutating admission on a write: the object as the plugins left it. */
  async admit(request: WriteRequest, options: WriteOptions): Promise<KubeObject> {
    const attributes = this.attributes(request, options);
    await this.chain.admit(attributes);
    const mutated = attributes.object ?? request.object!;
    return request.view ? request.view.fromView(mutated, request.object!) : mutated;
  }

  /** Validating admission on exactly what is about to be stored. */
  async validate(request: WriteRequest, options: WriteOptions): Promise<void> {
    await this.chain.validate(this.attributes(request, options));
  }

  /** Admission of a DELETE (mutating, then validating), on the object as it is stored. */
  async admitDelete(current: KubeObject, options: DeletionOptions, record: AdmissionRecord): Promise<void> {
    const attributes = admissionAttributes(this.strategy, {
      record,
      operation: 'DELETE',
      namespace: String(current.metadata.namespace ?? ''),
      name: String(current.metadata.name ?? ''),
      oldObject: current,
      dryRun: options.dryRun,
      user: options.user,
      options: {
        kind: 'DeleteOptions',
        fields: {
          propagationPolicy: options.propagationPolicy,
          orphanDependents: options.orphanDependents,
          gracePeriodSeconds: options.gracePeriodSeconds,
          preconditions: options.preconditions,
        },
      },
    });
    await this.chain.admit(attributes);
    await this.chain.validate(attributes);
  }

  private attributes(request: WriteRequest, options: WriteOptions) {
    return admissionAttributes(this.strategy, {
      ...request,
      dryRun: options.dryRun,
      user: options.user,
      options: optionsFor(request.operation, options),
    });
  }
}

/** The operation's options as admission shows them (only what the request sent). */
function optionsFor(operation: 'CREATE' | 'UPDATE', options: WriteOptions): AdmissionRequest['options'] {
  const kind = options.optionsKind ?? (operation === 'CREATE' ? 'CreateOptions' : 'UpdateOptions');
  return {
    kind,
    fields: {
      fieldManager: options.fieldManager,
      fieldValidation: options.fieldValidationGiven === false ? undefined : options.fieldValidation,
      force: kind === 'PatchOptions' ? options.force : undefined,
    },
  };
}
