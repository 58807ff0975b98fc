/**
 * Where webhooks come from (kube's generic.Source): the core API's configurations through an
 * informer, static manifests read from files, or both — static ones first, as kube's composite
 * source orders them. Accessors are built when a configuration changes (a new object in the
 * informer's cache) and reused for every request until then.
 */
import type { Informer } from '../../cluster/informer';
import { accessorsOf } from './accessor';
import type { AccessorContext, WebhookAccessor } from './accessor';
import type { WebhookConfiguration, WebhookType } from './types';

export interface WebhookSource {
  hasSynced(): boolean;
  /** Resolves true once the first list is in; false after timeoutMs. */
  waitForSync(timeoutMs: number): Promise<boolean>;
  /** The webhooks in the order they are dispatched. */
  webhooks(): readonly WebhookAccessor[];
}

const byName = (a: WebhookConfiguration, b: WebhookConfiguration) => {
  const x = String(a.metadata?.name ?? '');
  const y = String(b.metadata?.name ?? '');
  return x < y ? -1 : x > y ? 1 : 0;
};

/** The configurations an informer holds, as accessors rebuilt only for what changed. */
export function informerWebhookSource(opts: {
  informer: Informer<WebhookConfiguration & { metadata: { name?: string } }>;
  type: WebhookType;
  context: AccessorContext;
}): WebhookSource {
  // The informer replaces an object when it changes, so its identity is its version.
  const compiled = new WeakMap<object, WebhookAccessor[]>();
  let lastConfigs: readonly object[] = [];
  let lastWebhooks: readonly WebhookAccessor[] = [];
  return {
    hasSynced: () => opts.informer.hasSynced(),
    waitForSync: (timeoutMs) => opts.informer.waitForSync(timeoutMs),
    webhooks() {
      const configs = opts.informer.list();
      if (configs.length === lastConfigs.length && configs.every((c, i) => c === lastConfigs[i])) {
        return lastWebhooks;
      }
      lastConfigs = configs;
      lastWebhooks = [...configs].sort(byName).flatMap((config) => {
        let accessors = compiled.get(config);
        if (!accessors) {
          accessors = accessorsOf(config, { type: opts.type, context: opts.context });
          compiled.set(config, accessors);
        }
        return accessors;
      });
      return lastWebhooks;
    },
  };
}

/** Webhooks that are simply there (static manifests): always synced. */
export function fixedWebhookSource(webhooks: () => readonly WebhookAccessor[]): WebhookSource {
  return { hasSynced: () => true, waitForSync: async () => true, webhooks };
}

/** Static webhooks first, then the core API's (kube's compositeWebhookSource). */
export function compositeWebhookSource(sources: readonly WebhookSource[]): WebhookSource {
  if (sources.length === 1) return sources[0]!;
  return {
    hasSynced: () => sources.every((s) => s.hasSynced()),
    async waitForSync(timeoutMs) {
      const synced = await Promise.all(sources.map((s) => s.waitForSync(timeoutMs)));
      return synced.every(Boolean);
    },
    webhooks: () => sources.flatMap((s) => s.webhooks()),
  };
}
