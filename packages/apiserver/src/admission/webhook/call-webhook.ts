/**
 * One call of one webhook, shared by the mutating and the validating dispatcher (their
 * callHook): the dry-run check against sideEffects, the review in the first version the webhook
 * accepts, the HTTPS call, the answer's checks, then its audit annotations (`<webhook>/<key>`) and
 * warnings recorded on the attributes. Any failure to get a valid answer is a
 * CallingWebhookError, which the failurePolicy decides about; a dry run the webhook cannot take
 * is a 400 whatever the policy.
 */
import type { Logger } from '../../logging/logger';
import { addAuditAnnotation, addWarning } from '../attributes';
import type { AdmissionAttributes } from '../attributes';
import type { WebhookAccessor } from './accessor';
import {
  InvalidReviewError,
  admissionReview,
  reviewVersionFor,
  verifyAdmissionResponse,
} from './admission-review';
import type { Invocation, ReviewAnswer } from './admission-review';
import { CallingWebhookError, dryRunUnsupported } from './errors';
import { WebhookCallError } from './webhook-client';

export async function callWebhook(
  accessor: WebhookAccessor,
  call: { attributes: AdmissionAttributes; invocation: Invocation; logger?: Logger },
): Promise<ReviewAnswer> {
  const { webhook } = accessor;
  const { attributes } = call;
  const mutating = accessor.type === 'mutating';
  if (attributes.dryRun) {
    if (!webhook.sideEffects) throw new CallingWebhookError(webhook.name, 'Webhook SideEffects is nil');
    if (webhook.sideEffects !== 'None' && webhook.sideEffects !== 'NoneOnDryRun') {
      throw dryRunUnsupported(webhook.name);
    }
  }
  const version = reviewVersionFor(webhook.admissionReviewVersions);
  if (!version) {
    throw new CallingWebhookError(
      webhook.name,
      'could not create admission objects: webhook does not accept known AdmissionReview versions (v1, v1beta1)',
    );
  }
  const { uid, review } = admissionReview(attributes, { invocation: call.invocation, version });
  let body: unknown;
  try {
    body = await accessor.client().post(JSON.stringify(review), webhook.timeoutSeconds);
  } catch (err) {
    if (err instanceof WebhookCallError) throw new CallingWebhookError(webhook.name, err.message);
    throw err;
  }
  let answer: ReviewAnswer;
  try {
    answer = verifyAdmissionResponse(body, { uid, version, mutating });
  } catch (err) {
    if (err instanceof InvalidReviewError) {
      throw new CallingWebhookError(webhook.name, `received invalid webhook response: ${err.message}`);
    }
    throw new CallingWebhookError(webhook.name, `failed to call webhook: ${(err as Error).message}`);
  }
  for (const [key, value] of Object.entries(answer.auditAnnotations)) {
    const annotation = { key: `${webhook.name}/${key}`, value };
    if (!addAuditAnnotation(attributes, annotation)) {
      call.logger?.warn('an admission webhook may not overwrite an audit annotation', {
        webhook: webhook.name,
        key: annotation.key,
      });
    }
  }
  for (const warning of answer.warnings) addWarning(attributes, warning);
  return answer;
}
