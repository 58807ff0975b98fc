/**
 * How a webhook's outcome becomes the answer, in k8s.io/apiserver's words: a webhook that could
 * not be called (ErrCallingWebhook) is subject to its failurePolicy and, with Fail, is a 500
 * `Internal error occurred: failed calling webhook "x": …`; a denial is the Status the webhook
 * gave, its message prefixed with `admission webhook "x" denied the request: ` and its code at
 * least 400 (ToStatusErr); a dry run a webhook with side effects cannot take is a 400.
 */
import { StatusError } from '../../errors/status-error';
import type { Status, StatusDetails, StatusReason } from '../../errors/status-error';

/** The webhook could not be called, or answered with something that is not a valid review. */
export class CallingWebhookError extends Error {
  constructor(
    readonly webhookName: string,
    readonly reason: string,
  ) {
    super(`failed calling webhook "${webhookName}": ${reason}`);
    this.name = 'CallingWebhookError';
  }
}

/** apierrors.NewInternalError: 500 with the error as the one cause. */
export function internalError(message: string): StatusError {
  return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, {
    details: { causes: [{ message }] },
  });
}

/** A refusal that answers with a Status of the webhook's making (any reason, any details). */
export class WebhookRejectionError extends StatusError {
  constructor(private readonly status: Status) {
    super(status.code, (status.reason ?? '') as StatusReason, status.message ?? '', {
      details: status.details,
    });
    this.name = 'WebhookRejectionError';
  }

  override toStatus(): Status {
    return structuredClone(this.status);
  }
}

/** What a webhook may put in response.status (metav1.Status). */
export interface WebhookStatus {
  code?: number;
  message?: string;
  reason?: string;
  status?: string;
  details?: StatusDetails;
}

/** webhookerrors.ToStatusErr. */
export function webhookDenial(webhookName: string, result: WebhookStatus | undefined): WebhookRejectionError {
  const deniedBy = `admission webhook "${webhookName}" denied the request`;
  const status = result ?? {};
  const message = status.message
    ? `${deniedBy}: ${status.message}`
    : status.reason
      ? `${deniedBy}: ${status.reason}`
      : `${deniedBy} without explanation`;
  const code = typeof status.code === 'number' && status.code >= 400 ? status.code : 400;
  const out: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    code,
  };
  if (status.reason) out.reason = status.reason as StatusReason;
  if (status.details) out.details = status.details;
  return new WebhookRejectionError(out);
}

/** webhookerrors.NewDryRunUnsupportedErr. */
export function dryRunUnsupported(webhookName: string): StatusError {
  return StatusError.badRequest(`admission webhook "${webhookName}" does not support dry run`);
}
