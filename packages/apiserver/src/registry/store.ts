/**
 * The generic registry store, after k8s.io/apiserver's genericregistry.Store: the same
 * sequence for every kind (decode checks → defaults → strategy → validation → storage →
 * response), with the kind's specifics in a ResourceStrategy. Handlers call this; it calls
 * the storage contract. Every error is a StatusError or a storage error (mapped in http/).
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { FieldError } from '@pwk/api';
import type { AdmissionChain, AdmissionUser, AuditAnnotation } from '../admission/attributes';
import { StatusError } from '../errors/status-error';
import type { StatusCause } from '../errors/status-error';
import { attachWarnings } from '../errors/warnings';
import { InvalidKeyError, NotFoundError } from '../storage/errors';
import type { KubeObject, ListResult, ObjectKey, Preconditions, Storage, Watch } from '../storage/interface';
import {
  checkDeletePreconditions,
  finalizersOf,
  garbageCollectionFinalizers,
  markAsDeleting,
} from './deletion';
import type { DeletionOptions } from './deletion';
import { admissionAttributes, newAdmissionRecord } from './admission-request';
import type { AdmissionRecord, AdmissionRequest, AdmissionView } from './admission-request';
import { applyConfiguration, defaultManagerName, recordUpdate } from './managed-fields';
import type { ResourceStrategy } from './strategy';

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

export interface ListQuery {
  namespace?: string;
  filter?: (obj: KubeObject) => boolean;
  limit?: number;
  continue?: string;
  resourceVersion?: number;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface DeleteResult {
  /** The object still exists (finalizers pending): answer with it rather than a Status. */
  pending: boolean;
  object: KubeObject;
  /** Admission's warnings for the client. */
  warnings: string[];
}

/** generateName suffixes use the alphabet of k8s.io/apimachinery/pkg/util/rand (no vowels, no confusables). */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** names.SimpleNameGenerator: a longer generateName is cut so that prefix and suffix fit in 63. */
const MAX_GENERATED_NAME_PREFIX = 63 - 5;

function randomSuffix(): string {
  let out = '';
  for (let i = 0; i < 5; i++) out += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return out;
}

function causesOf(errors: FieldError[]): StatusCause[] {
  return errors.map((e) => ({ reason: e.type, message: e.message, field: e.field }));
}

/** A name that is not a valid key names no object: 404, as a Kubernetes server answers. */
function isMissing(err: unknown): boolean {
  return err instanceof NotFoundError || err instanceof InvalidKeyError;
}

function rfc3339Seconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Thrown inside a deletion's update when no finalizer is left: remove the object instead. */
const DELETE_NOW = Symbol('delete now');

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
  private readonly admission?: AdmissionChain;

  constructor(
    private readonly storage: Storage,
    readonly strategy: ResourceStrategy,
    options: RegistryStoreOptions = {},
  ) {
    this.ref = { group: strategy.group, resource: strategy.resource };
    this.now = options.now ?? (() => new Date());
    this.garbageCollection = options.garbageCollection ?? true;
    this.admission = options.admission;
  }

  private key(namespace: string, name: string): ObjectKey {
    return { group: this.strategy.group, resource: this.strategy.resource, namespace, name };
  }

  /** The apiVersion and kind a request body must carry (400 otherwise, as the decoder says). */
  checkTypeMeta(body: KubeObject): void {
    const { group, version, kind } = this.strategy;
    const expected = `${group}/${version}`;
    if (!body.kind) throw StatusError.badRequest(`Object 'Kind' is missing in '${JSON.stringify(body)}'`);
    if (!body.apiVersion)
      throw StatusError.badRequest(`Object 'apiVersion' is missing in '${JSON.stringify(body)}'`);
    if (body.apiVersion !== expected || body.kind !== kind) {
      throw StatusError.badRequest(
        `the API version in the data (${body.apiVersion}) does not match the expected API version (${expected})` +
          (body.kind !== kind ? ` or kind (${body.kind} vs ${kind})` : ''),
      );
    }
  }

  /**
   * What a CRD's decoder does to a request body, or to a patched object, before anything else
   * sees it: unknown fields are refused (Strict), warned about (Warn) or not (Ignore), and pruned
   * in every case, so defaulting, admission and managedFields never see them — a body of unknown
   * fields costs a walk of what the schema knows, not of everything it holds.
   */
  private decode(obj: KubeObject, options: WriteOptions): WriteResult {
    const unknownFields = this.strategy.unknownFields(obj);
    const warnings = unknownFieldWarnings(unknownFields, options);
    return { object: unknownFields.length > 0 ? this.strategy.pruneUnknownFields(obj) : obj, warnings };
  }

  /** obj without the fields the schema does not know, nothing said (a webhook's additions). */
  private pruneSilently(obj: KubeObject): KubeObject {
    return this.strategy.unknownFields(obj).length > 0 ? this.strategy.pruneUnknownFields(obj) : obj;
  }

  /**
   * Defaults and validates what is about to be stored; fields a mutating webhook added that the
   * schema does not know are pruned silently, as a CRD prunes a webhook's mutation.
   */
  private admit(obj: KubeObject, old?: KubeObject): KubeObject {
    const defaulted = this.strategy.applyDefaults(obj);
    const checked = old ? this.strategy.validateUpdate(defaulted, old) : this.strategy.validate(defaulted);
    if (checked.errors.length > 0) {
      throw StatusError.invalid(
        { group: this.strategy.group, kind: this.strategy.kind },
        String(defaulted.metadata?.name ?? ''),
        causesOf(checked.errors),
      );
    }
    // Defaulting returned a fresh copy: only unknown fields make pruning (another schema pass and
    // another copy) necessary.
    return checked.unknownFields.length > 0 ? this.strategy.pruneUnknownFields(defaulted) : defaulted;
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

  private async exists(namespace: string, name: string): Promise<boolean> {
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

  /** The operation's options as admission shows them. */
  private writeOptionsFor(
    operation: 'CREATE' | 'UPDATE',
    options: WriteOptions,
  ): AdmissionRequest['options'] {
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

  /** Mutating admission on a write: the object as the plugins left it. */
  private async admitWrite(
    request: Omit<AdmissionRequest, 'options' | 'dryRun' | 'user'> & { record: AdmissionRecord },
    options: WriteOptions,
  ): Promise<KubeObject> {
    const attributes = admissionAttributes(this.strategy, {
      ...request,
      dryRun: options.dryRun,
      user: options.user,
      options: this.writeOptionsFor(request.operation as 'CREATE' | 'UPDATE', options),
    });
    await this.admission!.admit(attributes);
    const mutated = attributes.object ?? request.object!;
    return request.view ? request.view.fromView(mutated, request.object!) : mutated;
  }

  /** Validating admission on exactly what is about to be stored. */
  private async validateWrite(
    request: Omit<AdmissionRequest, 'options' | 'dryRun' | 'user'> & { record: AdmissionRecord },
    options: WriteOptions,
  ): Promise<void> {
    await this.admission!.validate(
      admissionAttributes(this.strategy, {
        ...request,
        dryRun: options.dryRun,
        user: options.user,
        options: this.writeOptionsFor(request.operation as 'CREATE' | 'UPDATE', options),
      }),
    );
  }

  /** Admission of a DELETE (mutating, then validating), on the object as it is stored. */
  private async admitDelete(
    current: KubeObject,
    options: DeletionOptions,
    record: AdmissionRecord,
  ): Promise<void> {
    if (!this.admission) return;
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
    await this.admission.admit(attributes);
    await this.admission.validate(attributes);
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
    const decoded = tracking === 'record' ? this.decode(body, options) : { object: body, warnings: [] };
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
      obj = this.pruneSilently(await this.admitWrite(request, options));
      meta = obj.metadata ??= {};
      meta.namespace = namespace;
    }
    if (!meta.name && typeof meta.generateName === 'string' && meta.generateName) {
      meta.name = `${meta.generateName.slice(0, MAX_GENERATED_NAME_PREFIX)}${randomSuffix()}`;
    }
    // Server-owned fields (rest.FillObjectMetaSystemFields); client values are ignored.
    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339Seconds(this.now());
    meta.generation = 1;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    const tracked =
      tracking === 'record'
        ? recordUpdate({ live: undefined, next: obj, manager: this.manager(options), now: this.now() })
        : obj;
    this.strategy.prepareForCreate(tracked);
    const admitted = this.admit(tracked);
    const name = String(admitted.metadata.name);
    // Validating admission (quota last) on exactly what is about to be stored, never after.
    if (this.admission) {
      await this.validateWrite({ operation: 'CREATE', namespace, name, object: admitted, record }, options);
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
          : this.decode(next(structuredClone(current)), opts.options);
      let obj = decoded.object;
      const meta = (obj.metadata ??= {});
      meta.name = target.name;
      meta.namespace = target.namespace;
      meta.uid ??= current.metadata.uid;
      meta.creationTimestamp = current.metadata.creationTimestamp;
      meta.deletionTimestamp = current.metadata.deletionTimestamp;
      if (meta.deletionTimestamp === undefined) delete meta.deletionTimestamp;
      meta.resourceVersion = current.metadata.resourceVersion;
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
      if (this.admission) obj = await this.admitWrite({ ...request, object: obj }, opts.options);
      const admitted = this.admit(obj, current);
      if (this.admission) await this.validateWrite({ ...request, object: admitted }, opts.options);
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

  /**
   * Server-side apply: merge the applied configuration into the live object under
   * `fieldManager`'s ownership (conflicts with other managers → 409 unless force), creating the
   * object when it does not exist. Returns whether it was created (201) or updated (200).
   */
  async apply(
    target: { namespace: string; name: string },
    applied: unknown,
    opts: { options: WriteOptions; force: boolean },
  ): Promise<WriteResult & { created: boolean }> {
    const manager = opts.options.fieldManager ?? '';
    // Unknown fields are refused, warned about or dropped before anyone can own them.
    const unknownFields = isPlainObject(applied) ? this.strategy.unknownFields(applied) : [];
    const warnings = unknownFieldWarnings(unknownFields, opts.options);
    const known =
      unknownFields.length > 0 ? this.strategy.pruneUnknownFields(applied as KubeObject) : applied;
    const configure = (live: KubeObject | undefined) =>
      applyConfiguration({
        live,
        applied: known,
        manager,
        force: opts.force,
        now: this.now(),
        subresource: this.strategy.subresource,
        name: target.name,
        namespace: target.namespace,
      }).object;
    if (!(await this.exists(target.namespace, target.name))) {
      // A subresource never creates its object (its REST update does not allow create): 404.
      if (this.strategy.subresource) throw StatusError.notFound(this.ref, target.name);
      const created = await this.create(target.namespace, configure(undefined), opts.options, 'keep');
      return { ...created, warnings: [...warnings, ...created.warnings], created: true };
    }
    const rv = (applied as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion;
    const updated = await this.updateWith(target, (current) => configure(current), {
      options: opts.options,
      preconditions: typeof rv === 'string' && rv ? { resourceVersion: rv } : undefined,
      tracking: 'keep',
    });
    return { ...updated, warnings: [...warnings, ...updated.warnings], created: false };
  }

  /**
   * DELETE, as the generic registry runs it for a kind without graceful deletion: preconditions
   * first; then, when the object has finalizers or the options give the garbage collector work
   * (Orphan, Foreground), it is only marked (its GC finalizers set, deletionTimestamp) and the
   * finalizers' owners remove it later; otherwise it is removed at once.
   */
  async delete(target: { namespace: string; name: string }, options: DeletionOptions): Promise<DeleteResult> {
    const key = this.key(target.namespace, target.name);
    let record = newAdmissionRecord(options.auditAnnotations);
    // Each admission of this delete (a retried update, the removal) starts a fresh record.
    const admitDelete = (stored: KubeObject) => {
      record = newAdmissionRecord(options.auditAnnotations);
      return this.admitDelete(stored, options, record);
    };
    try {
      const current = await this.storage.get(key);
      checkDeletePreconditions(this.strategy, current, options.preconditions);
      if (finalizersOf(current).length > 0 || this.finalizersOnDelete(current, options)) {
        // DELETE_NOW wrote nothing, so the preconditions still hold for the removal.
        const marked = await this.markForDeletion({ key, current, options, admitDelete });
        if (marked !== DELETE_NOW) return { pending: true, object: marked, warnings: record.warnings };
      }
      if (options.dryRun) {
        await admitDelete(current);
        return { pending: false, object: current, warnings: record.warnings };
      }
      const deleted = await this.storage.delete(key, {
        preconditions: options.preconditions,
        validateDeletion: this.admission ? admitDelete : undefined,
      });
      return { pending: false, object: deleted, warnings: record.warnings };
    } catch (err) {
      if (isMissing(err)) throw StatusError.notFound(this.ref, target.name);
      throw attachWarnings(err, record.warnings);
    }
  }

  /** The finalizers the garbage collector needs for these options, when they differ from the object's. */
  private finalizersOnDelete(obj: KubeObject, options: DeletionOptions): string[] | undefined {
    if (!this.garbageCollection) return undefined;
    return garbageCollectionFinalizers(obj, options, this.strategy.garbageCollectionPolicy);
  }

  /**
   * updateForGracefulDeletionAndFinalizers: sets the GC finalizers and deletionTimestamp in one
   * guaranteed update. DELETE_NOW when no finalizer is left (say an orphan finalizer removed by a
   * Background delete): the object is then removed at once.
   */
  private async markForDeletion(opts: {
    key: ObjectKey;
    current: KubeObject;
    options: DeletionOptions;
    admitDelete: (stored: KubeObject) => Promise<void>;
  }): Promise<KubeObject | typeof DELETE_NOW> {
    const { key, current, options } = opts;
    const mark = async (cur: KubeObject): Promise<KubeObject> => {
      checkDeletePreconditions(this.strategy, cur, options.preconditions);
      await opts.admitDelete(cur);
      const finalizers = this.finalizersOnDelete(cur, options);
      const next = finalizers ? { ...cur, metadata: { ...cur.metadata, finalizers } } : cur;
      if (finalizersOf(next).length === 0) throw DELETE_NOW;
      return markAsDeleting(next, rfc3339Seconds(this.now()));
    };
    try {
      if (options.dryRun) return await mark(structuredClone(current));
      return await this.storage.guaranteedUpdate(key, mark, { preconditions: options.preconditions });
    } catch (err) {
      if (err === DELETE_NOW) return DELETE_NOW;
      throw err;
    }
  }
}

/**
 * fieldValidation on duplicate and unknown fields (Kubernetes' strict decoding errors, duplicates
 * first as a CRD's decoder finds them): Strict refuses them (400), Warn warns, Ignore says nothing.
 */
function unknownFieldWarnings(unknownFields: string[], options: WriteOptions): string[] {
  const duplicates = options.duplicateFields?.messages ?? [];
  if ((unknownFields.length === 0 && duplicates.length === 0) || options.fieldValidation === 'Ignore')
    return [];
  const unknown = unknownFields.map((f) => `unknown field "${f}"`);
  if (options.fieldValidation === 'Strict') {
    // go-yaml reports all of a document's duplicates as one error, a line each.
    const decoding =
      options.duplicateFields?.yaml && duplicates.length > 0
        ? [`yaml: unmarshal errors:\n  ${duplicates.join('\n  ')}`]
        : duplicates;
    throw StatusError.badRequest(`strict decoding error: ${[...decoding, ...unknown].join(', ')}`);
  }
  return [...duplicates, ...unknown];
}

function isPlainObject(value: unknown): value is KubeObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * An object being deleted may lose finalizers but never gain one (ValidateObjectMetaUpdate's
 * ValidateNoNewFinalizers), else its deletion could be held forever.
 */
function checkNoNewFinalizers(
  kind: { group: string; kind: string },
  next: KubeObject,
  old: KubeObject,
): void {
  if (!old.metadata.deletionTimestamp) return;
  const before = new Set(
    Array.isArray(old.metadata.finalizers) ? (old.metadata.finalizers as unknown[]) : [],
  );
  const after = Array.isArray(next.metadata.finalizers) ? (next.metadata.finalizers as unknown[]) : [];
  const added = [...new Set(after.filter((f) => !before.has(f)).map(String))].sort();
  if (added.length === 0) return;
  throw StatusError.invalid(kind, String(old.metadata.name ?? ''), [
    {
      reason: 'FieldValueForbidden',
      field: 'metadata.finalizers',
      message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
    },
  ]);
}

function hasFinalizers(obj: KubeObject): boolean {
  const finalizers = obj.metadata.finalizers;
  return Array.isArray(finalizers) && finalizers.length > 0;
}

function checkPreconditions(
  ref: { group: string; resource: string },
  current: KubeObject,
  pre: Preconditions | undefined,
): void {
  const name = String(current.metadata.name);
  if (pre?.uid !== undefined && pre.uid !== current.metadata.uid) {
    throw StatusError.conflict(
      ref,
      name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ''}`,
    );
  }
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== current.metadata.resourceVersion) {
    throw StatusError.conflict(
      ref,
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`,
    );
  }
}
