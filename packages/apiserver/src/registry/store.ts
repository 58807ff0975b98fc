/**
 * The generic registry store, after k8s.io/apiserver's genericregistry.Store: the same
 * sequence for every kind (decode checks → defaults → strategy → validation → storage →
 * response), with the kind's specifics in a ResourceStrategy. Handlers call this; it calls
 * the storage contract. Every error is a StatusError or a storage error (mapped in http/).
 */
import type { AdmissionChain } from '../admission/attributes';
import { StatusError } from '../errors/status-error';
import { attachWarnings } from '../errors/warnings';
import { InvalidKeyError, NotFoundError } from '../storage/errors';
import type { KubeObject, ListResult, ObjectKey, Preconditions, Storage, Watch } from '../storage/interface';
import { newAdmissionRecord } from './admission-request';
import type { AdmissionRecord, AdmissionView } from './admission-request';
import type { DeletionOptions } from './deletion';
import { defaultAndValidate } from './defaulting-and-validation';
import { decodeBody, pruneSilently } from './field-validation';
import { checkNoNewFinalizers, hasFinalizers } from './finalizers';
import { defaultManagerName } from './managed-fields';
import { deleteObject } from './object-deletion';
import type { DeleteResult } from './object-deletion';
import { checkPreconditions } from './preconditions';
import { applyObject } from './server-side-apply';
import type { ResourceStrategy } from './strategy';
import { carryOverSystemFields, fillCreateSystemFields } from './system-fields';
import { checkTypeMeta } from './type-meta';
import { recordUpdate } from './update-tracking';
import { WriteAdmission } from './write-admission';
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

/** A name that is not a valid key names no object: 404, as a Kubernetes server answers. */
function isMissing(err: unknown): boolean {
  return err instanceof NotFoundError || err instanceof InvalidKeyError;
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

  constructor(
    private readonly storage: Storage,
    readonly strategy: ResourceStrategy,
    options: RegistryStoreOptions = {},
  ) {
    this.ref = { group: strategy.group, resource: strategy.resource };
    this.now = options.now ?? (() => new Date());
    this.garbageCollection = options.garbageCollection ?? true;
    this.admission = options.admission && new WriteAdmission(strategy, options.admission);
  }

  private key(namespace: string, name: string): ObjectKey {
    return { group: this.strategy.group, resource: this.strategy.resource, namespace, name };
  }

  /** The apiVersion and kind a request body must carry (400 otherwise, as the decoder says). */
  checkTypeMeta(body: KubeObject): void {
    checkTypeMeta(this.strategy, body);
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

  private manager(options: WriteOptions): string {
    return options.fieldManager ?? defaultManagerName(options.userAgent);
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
    if (meta.namespace && meta.namespace !== namespace) {
      throw StatusError.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    meta.namespace = namespace;
    if (meta.resourceVersion) {
      throw StatusError.badRequest('resourceVersion should not be set on objects to be created');
    }
    const record = newAdmissionRecord(options.auditAnnotations);
    try {
      return await this.createAdmitted({
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

  private async createAdmitted(opts: {
    namespace: string;
    obj: KubeObject;
    options: WriteOptions;
    tracking: FieldTracking;
    record: AdmissionRecord;
    decodeWarnings: string[];
  }): Promise<WriteResult> {
    const { namespace, options, tracking, record } = opts;
    let obj = opts.obj;
    let meta = obj.metadata;
    // Mutating admission sees the object as sent, before the registry fills in names and system fields.
    if (this.admission) {
      const request = {
        operation: 'CREATE' as const,
        namespace,
        name: String(meta.name ?? ''),
        object: obj,
        record,
      };
      // What a webhook added that the schema does not know is pruned before anything records it.
      obj = pruneSilently(this.strategy, await this.admission.admit(request, options));
      meta = obj.metadata ??= {};
      meta.namespace = namespace;
    }
    // Server-owned fields (rest.FillObjectMetaSystemFields); client values are ignored.
    fillCreateSystemFields(meta, this.now());
    const tracked =
      tracking === 'record'
        ? recordUpdate({ live: undefined, next: obj, manager: this.manager(options), now: this.now() })
        : obj;
    this.strategy.prepareForCreate(tracked);
    const admitted = defaultAndValidate(this.strategy, tracked);
    const name = String(admitted.metadata.name);
    // Validating admission (quota last) on exactly what is about to be stored, never after.
    if (this.admission) {
      await this.admission.validate(
        { operation: 'CREATE', namespace, name, object: admitted, record },
        options,
      );
    }
    const warnings = [...opts.decodeWarnings, ...record.warnings];
    if (options.dryRun) {
      // A dry run goes as far as storage would: a taken name is still a conflict.
      if (await this.exists(namespace, name)) throw StatusError.alreadyExists(this.ref, name);
      return { object: admitted, warnings };
    }
    try {
      const stored = await this.storage.create(this.key(namespace, name), admitted);
      return { object: stored, warnings };
    } catch (err) {
      if ((err as { code?: string }).code === 'AlreadyExists')
        throw StatusError.alreadyExists(this.ref, name);
      throw err;
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
    if (meta.namespace && meta.namespace !== namespace) {
      throw StatusError.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
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
   * The update path shared by PUT and (later) PATCH: `next(current)` builds the desired object,
   * then system fields are carried over, defaults and validation run, and the write is a
   * guaranteed update under the given preconditions.
   */
  async updateWith(
    target: { namespace: string; name: string },
    next: (current: KubeObject) => KubeObject,
    opts: {
      options: WriteOptions;
      preconditions?: Preconditions;
      tracking?: FieldTracking;
      /** How admission sees this write, when it is a subresource of another kind (foos/scale). */
      view?: AdmissionView;
    },
  ): Promise<WriteResult> {
    const key = this.key(target.namespace, target.name);
    let warnings: string[] = [];
    let admittedObject: KubeObject | undefined;
    // One per attempt: a retried update is admitted again, and only its last attempt's warnings count.
    let record = newAdmissionRecord(opts.options.auditAnnotations);
    const tryUpdate = async (current: KubeObject): Promise<KubeObject> => {
      record = newAdmissionRecord(opts.options.auditAnnotations);
      const decoded =
        opts.tracking === 'keep'
          ? { object: next(structuredClone(current)), warnings: [] }
          : decodeBody(this.strategy, next(structuredClone(current)), opts.options);
      let obj = decoded.object;
      const meta = (obj.metadata ??= {});
      carryOverSystemFields(meta, current, target);
      if (opts.tracking !== 'keep') {
        obj = recordUpdate({
          live: current,
          next: obj,
          manager: this.manager(opts.options),
          now: this.now(),
          subresource: this.strategy.subresource,
        });
      }
      this.strategy.prepareForUpdate(obj, current);
      checkNoNewFinalizers(this.strategy, obj, current);
      const request = {
        operation: 'UPDATE' as const,
        ...target,
        oldObject: current,
        view: opts.view,
        record,
      };
      if (this.admission) obj = await this.admission.admit({ ...request, object: obj }, opts.options);
      const admitted = defaultAndValidate(this.strategy, obj, current);
      if (this.admission) await this.admission.validate({ ...request, object: admitted }, opts.options);
      const generation = Number(current.metadata.generation ?? 1);
      admitted.metadata.generation = this.strategy.generationChanged(admitted, current)
        ? generation + 1
        : generation;
      warnings = [...decoded.warnings, ...record.warnings];
      admittedObject = admitted;
      return admitted;
    };
    try {
      if (opts.options.dryRun) {
        const current = await this.storage.get(key);
        checkPreconditions(this.ref, current, opts.preconditions);
        return { object: await tryUpdate(current), warnings };
      }
      const stored = await this.storage.guaranteedUpdate(key, tryUpdate, {
        preconditions: opts.preconditions,
      });
      // The last finalizer removed from an object being deleted: it is gone now.
      if (stored.metadata.deletionTimestamp && !hasFinalizers(stored)) {
        const deleted = await this.storage.delete(key, { preconditions: { uid: stored.metadata.uid } });
        return { object: deleted, warnings };
      }
      return { object: stored ?? admittedObject, warnings };
    } catch (err) {
      if (isMissing(err)) throw StatusError.notFound(this.ref, target.name);
      throw attachWarnings(err, record.warnings);
    }
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
