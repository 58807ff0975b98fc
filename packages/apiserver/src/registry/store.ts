/**
 * The generic registry store, after k8s.io/apiserver's genericregistry.Store: the same
 * sequence for every kind (decode checks → defaults → strategy → validation → storage →
 * response), with the kind's specifics in a ResourceStrategy. Handlers call this; it calls
 * the storage contract. Every error is a StatusError or a storage error (mapped in http/).
 */
import type { AdmissionChain } from '../admission/attributes';
import { StatusError } from '../errors/status-error';
import { attachWarnings } from '../errors/warnings';
import { InvalidKeyError } from '../storage/errors';
import type { KubeObject, ListResult, ObjectKey, Storage, Watch } from '../storage/interface';
import { newAdmissionRecord } from './admission-request';
import type { DeletionOptions } from './deletion';
import { decodeBody } from './field-validation';
import { createObject } from './object-creation';
import { deleteObject } from './object-deletion';
import type { DeleteResult } from './object-deletion';
import { updateObject } from './object-update';
import type { UpdateRequest } from './object-update';
import { applyObject } from './server-side-apply';
import type { ResourceStrategy } from './strategy';
import { setNamespace } from './system-fields';
import { checkTypeMeta } from './type-meta';
import { WriteAdmission } from './write-admission';
import { isMissing } from './write-context';
import type { WriteContext } from './write-context';
import type { FieldTracking, WriteOptions, WriteResult } from './write-options';

export type {
  DuplicateFields,
  FieldTracking,
  FieldValidation,
  WriteOptions,
  WriteResult,
} from './write-options';
export type { DeleteResult } from './object-deletion';

export interface ListQuery {
  namespace?: string;
  filter?: (obj: KubeObject) => boolean;
  limit?: number;
  continue?: string;
  resourceVersion?: number;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface RegistryStoreOptions {
  now?: () => Date;
  /**
   * Whether a garbage collector serves this API (kube-apiserver's --enable-garbage-collector):
   * only then do Orphan and Foreground deletions set the GC's finalizers, which nobody else would
   * remove. Default true.
   */
  garbageCollection?: boolean;
  /** Admission plugins run on writes (namespace lifecycle, quota, …); none standalone. */
  admission?: AdmissionChain;
}

export class RegistryStore {
  private readonly ref: { group: string; resource: string };
  private readonly now: () => Date;
  private readonly garbageCollection: boolean;
  private readonly admission?: WriteAdmission;
  /** What the write paths share (object-creation.ts, object-update.ts). */
  private readonly ctx: WriteContext;

  constructor(
    private readonly storage: Storage,
    readonly strategy: ResourceStrategy,
    options: RegistryStoreOptions = {},
  ) {
    this.ref = { group: strategy.group, resource: strategy.resource };
    this.now = options.now ?? (() => new Date());
    this.garbageCollection = options.garbageCollection ?? true;
    this.admission = options.admission && new WriteAdmission(strategy, options.admission);
    this.ctx = { storage, strategy, now: this.now, admission: this.admission };
  }

  private key(namespace: string, name: string): ObjectKey {
    return { group: this.strategy.group, resource: this.strategy.resource, namespace, name };
  }

  /** The apiVersion and kind a request body must carry (400 otherwise, as the decoder says). */
  checkTypeMeta(body: KubeObject): void {
    checkTypeMeta(this.strategy, body);
  }

  /**
   * rest.BeforeCreate / BeforeUpdate: a namespaced object's namespace must be the request's; a
   * cluster-scoped object's is dropped (the request's is '').
   */
  private checkNamespace(meta: KubeObject['metadata'], namespace: string): void {
    if (this.strategy.namespaced && meta.namespace && meta.namespace !== namespace) {
      throw StatusError.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
  }

  async get(namespace: string, name: string): Promise<KubeObject> {
    try {
      return await this.storage.get(this.key(namespace, name));
    } catch (err) {
      if (err instanceof InvalidKeyError) throw StatusError.notFound(this.ref, name);
      throw err;
    }
  }

  /** The object's JSON, exactly what `get` would encode to, without decoding it where storage can. */
  async getSerialized(namespace: string, name: string): Promise<string> {
    const key = this.key(namespace, name);
    try {
      return this.storage.getSerialized
        ? await this.storage.getSerialized(key)
        : JSON.stringify(await this.storage.get(key));
    } catch (err) {
      if (err instanceof InvalidKeyError) throw StatusError.notFound(this.ref, name);
      throw err;
    }
  }

  async exists(namespace: string, name: string): Promise<boolean> {
    try {
      await this.storage.get(this.key(namespace, name));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async list(query: ListQuery): Promise<ListResult> {
    return this.storage.list({ group: this.strategy.group, resource: this.strategy.resource, ...query });
  }

  async watch(query: {
    namespace?: string;
    fromRevision: number;
    filter?: (obj: KubeObject) => boolean;
  }): Promise<Watch> {
    return this.storage.watch({ group: this.strategy.group, resource: this.strategy.resource, ...query });
  }

  async currentRevision(): Promise<number> {
    return this.storage.currentRevision();
  }

  async create(
    namespace: string,
    body: KubeObject,
    options: WriteOptions,
    tracking: FieldTracking = 'record',
  ): Promise<WriteResult> {
    this.checkTypeMeta(body);
    // Apply ('keep') decoded its configuration itself.
    const decoded =
      tracking === 'record' ? decodeBody(this.strategy, body, options) : { object: body, warnings: [] };
    const obj = decoded.object === body ? structuredClone(body) : decoded.object;
    const meta = (obj.metadata ??= {});
    this.checkNamespace(meta, namespace);
    setNamespace(meta, namespace);
    if (meta.resourceVersion) {
      throw StatusError.badRequest('resourceVersion should not be set on objects to be created');
    }
    const record = newAdmissionRecord(options.auditAnnotations);
    try {
      return await createObject(this.ctx, {
        namespace,
        obj,
        options,
        tracking,
        record,
        decodeWarnings: decoded.warnings,
      });
    } catch (err) {
      // A refusal after a plugin warned still tells the client the warnings.
      throw attachWarnings(err, record.warnings);
    }
  }

  /** PUT: replace the object; its resourceVersion is the precondition. */
  async update(
    target: { namespace: string; name: string },
    body: KubeObject,
    options: WriteOptions,
  ): Promise<WriteResult> {
    this.checkTypeMeta(body);
    const { namespace, name } = target;
    const meta = body.metadata ?? {};
    if (meta.name !== undefined && meta.name !== name) {
      throw StatusError.badRequest(
        `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`,
      );
    }
    this.checkNamespace(meta, namespace);
    if (!meta.resourceVersion) {
      // A CRD does not create on update: a missing object is 404 whether or not a version is given.
      if (!(await this.exists(namespace, name))) throw StatusError.notFound(this.ref, name);
      throw StatusError.invalid({ group: this.strategy.group, kind: this.strategy.kind }, name, [
        {
          reason: 'FieldValueInvalid',
          field: 'metadata.resourceVersion',
          message: 'Invalid value: 0x0: must be specified for an update',
        },
      ]);
    }
    return this.updateWith(target, () => structuredClone(body), {
      options,
      preconditions: { resourceVersion: meta.resourceVersion },
    });
  }

  /**
   * The update path shared by PUT, PATCH, apply and subresources (object-update.ts):
   * `next(current)` builds the desired object under the given preconditions.
   */
  async updateWith(
    target: { namespace: string; name: string },
    next: (current: KubeObject) => KubeObject,
    opts: Omit<UpdateRequest, 'next'>,
  ): Promise<WriteResult> {
    return updateObject(this.ctx, target, { next, ...opts });
  }

  /** Server-side apply (see server-side-apply.ts): created tells 201 from 200. */
  async apply(
    target: { namespace: string; name: string },
    applied: unknown,
    opts: { options: WriteOptions; force: boolean },
  ): Promise<WriteResult & { created: boolean }> {
    return applyObject(this, { target, applied, ...opts, now: this.now });
  }

  /** DELETE: see object-deletion.ts (finalizers, garbage collection, preconditions). */
  async delete(target: { namespace: string; name: string }, options: DeletionOptions): Promise<DeleteResult> {
    return deleteObject(
      {
        storage: this.storage,
        strategy: this.strategy,
        key: this.key(target.namespace, target.name),
        now: this.now,
        garbageCollection: this.garbageCollection,
        admission: this.admission,
      },
      options,
    );
  }
}
