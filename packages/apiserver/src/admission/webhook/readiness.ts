/**
 * A webhook plugin answers only once it knows the cluster's webhooks and namespaces (kube's
 * WaitForReady): until the first lists are in, a request waits (10 s by default) and is then
 * refused with 403 `not yet ready to handle request` — never let through unchecked.
 */
import { StatusError } from '../../errors/status-error';
import { subjectName } from '../attributes';
import type { AdmissionAttributes } from '../attributes';
import type { MatchContext } from './matching';
import type { WebhookSource } from './sources';

export async function waitUntilReady(
  opts: { source: WebhookSource; match: MatchContext; syncTimeoutMs?: number },
  attributes: AdmissionAttributes,
): Promise<void> {
  const { source, match } = opts;
  if (source.hasSynced() && match.namespaces.hasSynced()) return;
  const timeoutMs = opts.syncTimeoutMs ?? 10_000;
  const [hooks, namespaces] = await Promise.all([
    source.waitForSync(timeoutMs),
    match.namespaces.waitForSync(timeoutMs),
  ]);
  if (hooks && namespaces) return;
  throw StatusError.forbidden(
    { group: attributes.resource.group, resource: attributes.resource.resource },
    subjectName(attributes),
    'not yet ready to handle request',
  );
}
