/**
 * ValidatingAdmissionWebhook, as kube's validating dispatcher runs it: every matching webhook is
 * called at once, on the object about to be stored, and the request is refused with the first
 * refusal to arrive (the others are logged). A call that fails is ignored under failurePolicy
 * Ignore and refuses the request (500) under Fail.
 */
import type { StatusError } from '../../errors/status-error';
import { addAuditAnnotation } from '../attributes';
import type { AdmissionPlugin } from '../attributes';
import type { Invocation } from './admission-review';
import type { WebhookAccessor } from './accessor';
import { callWebhook } from './call-webhook';
import { CallingWebhookError, internalError, webhookDenial } from './errors';
import { shouldCallHook } from './matching';
import { observeAllowed, observeFailure } from './metrics';
import type { WebhookPluginOptions } from './mutating';
import { waitUntilReady } from './readiness';

export function validatingWebhookPlugin(options: WebhookPluginOptions): AdmissionPlugin {
  const { logger, metrics } = options;
  return {
    name: 'ValidatingAdmissionWebhook',
    async validate(attributes) {
      await waitUntilReady(options, attributes);
      const hooks = options.source.webhooks();
      if (hooks.length === 0) return;
      const relevant: Array<{ accessor: WebhookAccessor; invocation: Invocation; index: number }> = [];
      for (const accessor of hooks) {
        const invocation = await shouldCallHook(accessor, attributes, options.match);
        if (invocation) relevant.push({ accessor, invocation, index: relevant.length });
      }
      const refusals: unknown[] = [];
      await Promise.all(
        relevant.map(async ({ accessor, invocation, index }) => {
          const { webhook } = accessor;
          const started = Date.now();
          const operation = attributes.operation;
          try {
            const answer = await callWebhook(accessor, { attributes, invocation, logger });
            if (!answer.allowed) throw webhookDenial(webhook.name, answer.status);
            observeAllowed(metrics, { webhook: webhook.name, type: 'validating', operation, started });
          } catch (err) {
            const ignore = err instanceof CallingWebhookError && webhook.failurePolicy === 'Ignore';
            observeFailure({
              metrics,
              err,
              ignore,
              webhook: webhook.name,
              operation,
              durationMs: Date.now() - started,
              type: 'validating',
            });
            if (err instanceof CallingWebhookError) {
              if (ignore) {
                logger.warn('failed calling webhook, failing open', {
                  webhook: webhook.name,
                  error: err.message,
                });
                metrics?.observeFailOpen?.({ name: webhook.name, type: 'validating' });
                addAuditAnnotation(attributes, {
                  key: `failed-open.validating.webhook.admission.k8s.io/round_0_index_${index}`,
                  value: webhook.name,
                });
                return;
              }
              refusals.push(internalError(err.message));
              return;
            }
            refusals.push(err);
          }
        }),
      );
      if (refusals.length === 0) return;
      for (const other of refusals.slice(1)) {
        logger.info('a further admission webhook refused the request', {
          error: String((other as StatusError).message ?? other),
        });
      }
      throw refusals[0];
    },
  };
}
