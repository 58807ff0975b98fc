/**
 * The webhooks of a staticManifestsDir: loaded at start-up (a bad manifest stops start-up, as
 * kube-apiserver refuses it) and read again every interval; a changed directory replaces them,
 * and a broken one keeps the last good set and says why in the log.
 */
import type { Logger } from '../../logging/logger';
import { reloadPeriodically } from '../static-reload';
import { accessorsOf } from './accessor';
import type { AccessorContext, WebhookAccessor } from './accessor';
import { fixedWebhookSource } from './sources';
import type { WebhookSource } from './sources';
import { loadStaticManifests } from './static-manifests';
import type { WebhookType } from './types';

export interface StaticWebhookSource extends WebhookSource {
  close(): void;
}

export async function staticWebhookSource(opts: {
  dir: string;
  type: WebhookType;
  context: AccessorContext;
  logger: Logger;
  /** How often the directory is read again (default 10 s). */
  reloadIntervalMs?: number;
}): Promise<StaticWebhookSource> {
  const build = (configs: Awaited<ReturnType<typeof loadStaticManifests>>['configurations']) =>
    configs.flatMap((config) =>
      accessorsOf(config, { type: opts.type, context: opts.context, uidPrefix: 'manifest/' }),
    );
  const first = await loadStaticManifests(opts.dir, opts.type);
  let webhooks: readonly WebhookAccessor[] = build(first.configurations);
  const said = (loaded: typeof first) => ({
    dir: opts.dir,
    type: opts.type,
    configurations: loaded.configurations.map((c) => c.metadata.name),
  });
  opts.logger.info('static webhook configurations loaded', said(first));
  const stop = reloadPeriodically({
    load: () => loadStaticManifests(opts.dir, opts.type),
    first,
    intervalMs: opts.reloadIntervalMs ?? 10_000,
    onChange: (loaded) => {
      webhooks = build(loaded.configurations);
      opts.logger.info('static webhook configurations reloaded', said(loaded));
    },
    onError: (error) =>
      opts.logger.warn('cannot reload the static webhook configurations; keeping the last ones', {
        dir: opts.dir,
        error,
      }),
  });
  return { ...fixedWebhookSource(() => webhooks), close: stop };
}
