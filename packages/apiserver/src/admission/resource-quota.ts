/**
 * ResourceQuota for object counts, as kube-apiserver's plugin (plugin/pkg/admission/resourcequota)
 * enforces `count/<resource>.<group>` for a CRD: a create is charged to every matching quota of
 * its namespace by updating the quota's `status.used` with optimistic concurrency *before* the
 * object is written, and refused with 403 `exceeded quota: …` when it would go over. Concurrent
 * creates of one namespace are checked as one batch (one status update per quota per batch, as
 * kube's quota evaluator batches its waiters), so they can never over-admit; a conflicting update
 * (the quota controller, another replica) is retried with the quota read afresh. Dry runs are
 * checked but not charged. kube-controller-manager's quota controller recomputes `used` from the
 * objects and corrects any charge for a create that then failed.
 */
import { KubeApiError } from '../auth/kube-client';
import type { KubeClient } from '../auth/kube-client';
import type { Informer } from '../cluster/informer';
import { StatusError } from '../errors/status-error';
import type { AdmissionAttributes, AdmissionPlugin } from './attributes';
import { subjectName } from './attributes';
import { formatCount, parseQuantity } from './quantity';

export interface ResourceQuota {
  metadata: { name?: string; namespace?: string; resourceVersion?: string; [k: string]: unknown };
  spec?: { hard?: Record<string, string>; scopes?: string[]; scopeSelector?: unknown };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
  [k: string]: unknown;
}

export interface ResourceQuotaOptions {
  quotas: Informer<ResourceQuota>;
  client: KubeClient;
  syncTimeoutMs?: number;
  /** Rounds of re-reading conflicting quotas before a create fails (kube: 3). */
  retries?: number;
}

export const RESOURCE_QUOTAS_PATH = '/api/v1/resourcequotas';

export const quotaPath = (namespace: string, name: string) =>
  `/api/v1/namespaces/${encodeURIComponent(namespace)}/resourcequotas/${encodeURIComponent(name)}`;

interface Waiter {
  attributes: AdmissionAttributes;
  /** undefined: charged but not yet committed (kube's "default deny"). */
  result?: { ok: true } | { ok: false; error: unknown };
  settle: { resolve: () => void; reject: (err: unknown) => void };
}

const resourceVersionOf = (q: ResourceQuota) => Number(q.metadata.resourceVersion ?? 0);

export function resourceQuota(options: ResourceQuotaOptions): AdmissionPlugin {
  const syncTimeoutMs = options.syncTimeoutMs ?? 10_000;
  const retries = options.retries ?? 3;
  /** Quotas this process updated, newer than the informer may show yet (kube's updatedQuotas). */
  const written = new Map<string, ResourceQuota>();
  const queues = new Map<string, Waiter[]>();

  const quotasOf = (namespace: string): ResourceQuota[] =>
    options.quotas.list(namespace).map((cached) => {
      const mine = written.get(`${namespace}/${cached.metadata.name}`);
      return mine && resourceVersionOf(mine) > resourceVersionOf(cached) ? mine : cached;
    });

  async function updateStatus(quota: ResourceQuota): Promise<ResourceQuota> {
    const { namespace = '', name = '' } = quota.metadata;
    const updated = (await options.client.request({
      method: 'PUT',
      path: `${quotaPath(namespace, name)}/status`,
      body: quota,
    })) as ResourceQuota;
    written.set(`${namespace}/${name}`, updated);
    return updated;
  }

  async function readAfresh(namespace: string, names: string[]): Promise<ResourceQuota[]> {
    const fresh: ResourceQuota[] = [];
    for (const name of names) {
      try {
        fresh.push(
          (await options.client.request({
            method: 'GET',
            path: quotaPath(namespace, name),
          })) as ResourceQuota,
        );
      } catch (err) {
        // A quota deleted meanwhile no longer limits anything.
        if (!(err instanceof KubeApiError && err.code === 404)) throw err;
      }
    }
    return fresh;
  }

  /** checkQuotas: charge the batch's waiters in turn, write the changed quotas, retry conflicts. */
  async function checkQuotas(namespace: string, quotas: ResourceQuota[], batch: Waiter[], left: number) {
    let current = quotas;
    for (const waiter of batch) {
      if (waiter.result) continue;
      try {
        const next = charge(current, waiter.attributes);
        if (next === current || waiter.attributes.dryRun) waiter.result = { ok: true };
        else current = next;
      } catch (error) {
        waiter.result = { ok: false, error };
      }
    }
    const changed = current.filter((q, i) => q !== quotas[i]);
    const conflicted: string[] = [];
    let lastError: unknown;
    for (const quota of changed) {
      try {
        await updateStatus(quota);
      } catch (err) {
        lastError = err;
        if (err instanceof KubeApiError && err.code === 409) conflicted.push(String(quota.metadata.name));
        else left = 0;
      }
    }
    const pending = batch.filter((w) => !w.result);
    if (lastError === undefined) {
      for (const w of pending) w.result = { ok: true };
      return;
    }
    if (left > 0 && conflicted.length > 0) {
      try {
        const fresh = await readAfresh(namespace, conflicted);
        return await checkQuotas(namespace, fresh, pending, left - 1);
      } catch (err) {
        lastError = err;
      }
    }
    const error =
      lastError instanceof StatusError
        ? lastError
        : StatusError.internal(String((lastError as Error)?.message ?? lastError));
    for (const w of pending) w.result = { ok: false, error };
  }

  async function drain(namespace: string, queue: Waiter[]): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0);
      try {
        await checkQuotas(namespace, quotasOf(namespace), batch, retries);
      } catch (err) {
        for (const w of batch) w.result ??= { ok: false, error: err };
      }
      for (const w of batch) {
        if (w.result?.ok) w.settle.resolve();
        else w.settle.reject(w.result?.error ?? StatusError.internal('quota check did not finish'));
      }
    }
    queues.delete(namespace);
  }

  return {
    name: 'ResourceQuota',
    async validate(attributes: AdmissionAttributes): Promise<void> {
      // Object counts change only on create (generic.ObjectCountEvaluator.Handles).
      if (attributes.operation !== 'CREATE' || !attributes.namespace) return;
      if (!(await options.quotas.waitForSync(syncTimeoutMs))) {
        throw StatusError.forbidden(
          { group: attributes.resource.group, resource: attributes.resource.resource },
          subjectName(attributes),
          'not yet ready to handle request',
        );
      }
      const namespace = attributes.namespace;
      if (!quotasOf(namespace).some((q) => matches(q, countResource(attributes.resource)))) return;
      await new Promise<void>((resolve, reject) => {
        let queue = queues.get(namespace);
        const first = !queue;
        if (!queue) queues.set(namespace, (queue = []));
        queue.push({ attributes, settle: { resolve, reject } });
        if (first) void drain(namespace, queue);
      });
    },
  };
}

/** The quota resource an object count is kept under: `count/widgets.example.com`. */
export function countResource(attributes: { group: string; resource: string }): string {
  return attributes.group
    ? `count/${attributes.resource}.${attributes.group}`
    : `count/${attributes.resource}`;
}

/** generic.Matches for an object count: the quota limits the count and has no scopes (none can match). */
function matches(quota: ResourceQuota, resource: string): boolean {
  const scoped = (quota.spec?.scopes?.length ?? 0) > 0 || quota.spec?.scopeSelector != null;
  return !scoped && quota.status?.hard?.[resource] !== undefined;
}

/**
 * CheckRequest: the quotas with this create charged (the same array when none applies), or a
 * 403 when its usage is not known yet or it would exceed one.
 */
function charge(quotas: ResourceQuota[], attributes: AdmissionAttributes): ResourceQuota[] {
  const resource = countResource(attributes.resource);
  const forbidden = (why: string) =>
    StatusError.forbidden(
      { group: attributes.resource.group, resource: attributes.resource.resource },
      subjectName(attributes),
      why,
    );
  let next = quotas;
  quotas.forEach((quota, i) => {
    if (!matches(quota, resource)) return;
    const name = String(quota.metadata.name);
    const usedText = quota.status?.used?.[resource];
    if (usedText === undefined) throw forbidden(`status unknown for quota: ${name}, resources: ${resource}`);
    const hardText = quota.status!.hard![resource]!;
    const used = parseQuantity(usedText) ?? 0;
    const hard = parseQuantity(hardText) ?? 0;
    if (used + 1 > hard) {
      throw forbidden(
        `exceeded quota: ${name}, requested: ${resource}=1, used: ${resource}=${usedText}, limited: ${resource}=${hardText}`,
      );
    }
    if (next === quotas) next = [...quotas];
    next[i] = {
      ...quota,
      status: { ...quota.status, used: { ...quota.status!.used, [resource]: formatCount(used + 1) } },
    };
  });
  return next;
}
