/**
 * MutatingAdmissionWebhook, as kube's mutating dispatcher runs it: the matching webhooks one after
 * another in order (configurations by name, then their webhooks), each seeing what the previous
 * ones made of the object, their JSON Patches applied. When a webhook changed the object, the
 * earlier webhooks with reinvocationPolicy IfNeeded are called once more, in a second round, so
 * each has seen the final object (kube reinvokes the whole mutating chain; pwk's other mutating
 * plugins change nothing, so only the webhooks are run again).
 */
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import type { Logger } from '../../logging/logger';
import type { KubeObject } from '../../storage/interface';
import { jsonEqual } from '../../storage/json-equal';
import { addAuditAnnotation } from '../attributes';
import { fromVersioned } from '../versioned-objects';
import type { AdmissionAttributes, AdmissionPlugin } from '../attributes';
import type { WebhookAccessor } from './accessor';
import type { ReviewAnswer } from './admission-review';
import { callWebhook } from './call-webhook';
import { CallingWebhookError, internalError, webhookDenial } from './errors';
import { shouldCallHook } from './matching';
import type { MatchContext } from './matching';
import { observeAllowed, observeFailure } from './metrics';
import type { WebhookMetrics } from './metrics';
import { waitUntilReady } from './readiness';
import type { WebhookSource } from './sources';

export interface WebhookPluginOptions {
  source: WebhookSource;
  match: MatchContext;
  logger: Logger;
  metrics?: WebhookMetrics;
  /** How long a request waits for the first lists of configurations and namespaces (kube: 10 s). */
  syncTimeoutMs?: number;
}

interface Round {
  /** 0, then 1 when reinvoking. */
  index: number;
  /** Webhooks to call in this round (round 1 only). */
  only?: Set<string>;
}

/** What a round learnt: whether the object changed, and who should be reinvoked then. */
interface RoundState {
  changed: boolean;
  /** IfNeeded webhooks called since the last change. */
  reinvocable: Set<string>;
  /** IfNeeded webhooks called before some later change. */
  reinvoke: Set<string>;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const annotationKey = (prefix: string, round: number, index: number) =>
  `${prefix}round_${round}_index_${index}`;

/** Applies a webhook's JSON Patch to the object (kube: jsonpatch.DecodePatch, then Apply). */
function patched(
  accessor: WebhookAccessor,
  object: KubeObject | undefined,
  answer: ReviewAnswer,
): KubeObject | undefined {
  const name = accessor.webhook.name;
  let operations: unknown;
  try {
    operations = JSON.parse(answer.patch!.toString('utf8'));
  } catch (err) {
    throw new CallingWebhookError(
      name,
      `received undecodable patch in webhook response: ${(err as Error).message}`,
    );
  }
  if (!Array.isArray(operations)) {
    throw new CallingWebhookError(
      name,
      'received undecodable patch in webhook response: the patch is not a list of operations',
    );
  }
  if (operations.length === 0) return undefined;
  if (!object) {
    throw internalError(
      `admission webhook "${name}" attempted to modify the object, which is not supported for this operation`,
    );
  }
  if (answer.patchType !== 'JSONPatch') {
    throw new CallingWebhookError(name, `unsupported patch type "${answer.patchType}"`);
  }
  try {
    const result = fastJsonPatch.applyPatch(
      structuredClone(object),
      operations as Operation[],
      true,
      false,
    ).newDocument;
    // What follows (names, system fields, validation) needs an object with object metadata.
    if (!isPlainObject(result)) throw new Error('the patched object is not an object');
    if (!isPlainObject(result.metadata)) throw new Error("the patched object's metadata is not an object");
    return result as KubeObject;
  } catch (err) {
    throw internalError(String((err as Error).message).split('\n')[0]!);
  }
}

export function mutatingWebhookPlugin(options: WebhookPluginOptions): AdmissionPlugin {
  const { logger, metrics } = options;

  /** One webhook in one round; throws to refuse. */
  async function runOne(
    accessor: WebhookAccessor,
    at: { attributes: AdmissionAttributes; round: Round; index: number; state: RoundState },
  ): Promise<void> {
    const { attributes, index, state } = at;
    const round = at.round.index;
    const { webhook } = accessor;
    const invocation = await shouldCallHook(accessor, attributes, options.match);
    if (!invocation) return;
    // A webhook is never called for the first time in the second round, even if it matches now.
    if (at.round.only && !at.round.only.has(accessor.uid)) return;
    const started = Date.now();
    const operation = attributes.operation;
    let changed = false;
    try {
      const answer = await callWebhook(accessor, { attributes, invocation, logger });
      if (!answer.allowed) throw webhookDenial(webhook.name, answer.status);
      if (answer.patch && answer.patch.length > 0) {
        // The patch is to the object the webhook was shown, in the version its rules named.
        const next = patched(accessor, invocation.object, answer);
        if (next) {
          changed = !jsonEqual(invocation.object, next);
          if (changed) attributes.object = fromVersioned(next, attributes, options.match.equivalents);
          addAuditAnnotation(attributes, {
            key: annotationKey('patch.webhook.admission.k8s.io/', round, index),
            value: JSON.stringify({
              configuration: accessor.configurationName,
              webhook: webhook.name,
              patch: JSON.parse(answer.patch.toString('utf8')),
              patchType: 'JSONPatch',
            }),
            level: 'Request',
          });
        }
      }
      observeAllowed(metrics, { webhook: webhook.name, type: 'admit', operation, started });
    } catch (err) {
      const ignore = err instanceof CallingWebhookError && webhook.failurePolicy === 'Ignore';
      observeFailure({
        metrics,
        err,
        ignore,
        webhook: webhook.name,
        operation,
        durationMs: Date.now() - started,
      });
      if (!(err instanceof CallingWebhookError)) throw err;
      if (!ignore) throw internalError(err.message);
      logger.warn('failed calling webhook, failing open', { webhook: webhook.name, error: err.message });
      metrics?.observeFailOpen?.({ name: webhook.name, type: 'admit' });
      addAuditAnnotation(attributes, {
        key: annotationKey('failed-open.mutation.webhook.admission.k8s.io/', round, index),
        value: webhook.name,
      });
    } finally {
      addAuditAnnotation(attributes, {
        key: annotationKey('mutation.webhook.admission.k8s.io/', round, index),
        value: JSON.stringify({
          configuration: accessor.configurationName,
          webhook: webhook.name,
          mutated: changed,
        }),
      });
      if (changed) {
        // Everyone IfNeeded who saw the object before this change sees it again.
        for (const uid of state.reinvocable) state.reinvoke.add(uid);
        state.reinvocable.clear();
        state.changed = true;
      }
      if (webhook.reinvocationPolicy === 'IfNeeded') state.reinvocable.add(accessor.uid);
    }
  }

  async function runRound(
    attributes: AdmissionAttributes,
    hooks: readonly WebhookAccessor[],
    round: Round,
    state: RoundState,
  ) {
    for (const [index, accessor] of hooks.entries()) {
      await runOne(accessor, { attributes, round, index, state });
    }
  }

  return {
    name: 'MutatingAdmissionWebhook',
    async admit(attributes) {
      // Before the first lists are in, no webhook is known: nothing may pass unchecked then.
      await waitUntilReady(options, attributes);
      const hooks = options.source.webhooks();
      if (hooks.length === 0) return;
      const state: RoundState = { changed: false, reinvocable: new Set(), reinvoke: new Set() };
      await runRound(attributes, hooks, { index: 0 }, state);
      if (!state.changed || state.reinvoke.size === 0) return;
      const again = new Set(state.reinvoke);
      await runRound(
        attributes,
        options.source.webhooks(),
        { index: 1, only: again },
        {
          changed: false,
          reinvocable: new Set(),
          reinvoke: new Set(),
        },
      );
    },
  };
}
