/**
 * The admission.k8s.io AdmissionReview a webhook is sent and what it must answer, as
 * k8s.io/apiserver's webhook request package builds and checks them (CreateAdmissionObjects,
 * CreateV1AdmissionReview, VerifyAdmissionResponse): the first review version the webhook
 * accepts (v1 or v1beta1), a fresh uid per call that a v1 answer must echo, and the rules on
 * patch and patchType.
 */
import { randomUUID } from 'node:crypto';
import type { AdmissionAttributes, GroupVersionKind, GroupVersionResource } from '../attributes';
import type { KubeObject } from '../../storage/interface';
import type { WebhookStatus } from './errors';

export type ReviewVersion = 'v1' | 'v1beta1';

/** Which resource and kind a webhook is called for (they differ from the request's under matchPolicy Equivalent). */
export interface InvocationTarget {
  resource: GroupVersionResource;
  subresource: string;
  kind: GroupVersionKind;
}

/** A webhook's call: its target, and the request's objects as that target's kind shows them. */
export interface Invocation extends InvocationTarget {
  object: KubeObject | undefined;
  oldObject: KubeObject | undefined;
}

/** What a verified answer says. */
export interface ReviewAnswer {
  allowed: boolean;
  status?: WebhookStatus;
  /** The JSON Patch, decoded from base64. */
  patch?: Buffer;
  patchType?: string;
  warnings: string[];
  auditAnnotations: Record<string, string>;
}

/** An answer that breaks the protocol (kube: "received invalid webhook response"). */
export class InvalidReviewError extends Error {}

/** The first version in admissionReviewVersions that pwk can send, as kube picks it. */
export function reviewVersionFor(versions: readonly string[]): ReviewVersion | undefined {
  return versions.find((v): v is ReviewVersion => v === 'v1' || v === 'v1beta1');
}

/** The request part, as CEL's `request` and the review's `request` show it. */
export function admissionRequestOf(
  attributes: AdmissionAttributes,
  invocation: InvocationTarget,
): Record<string, unknown> {
  const user = attributes.userInfo;
  const userInfo: Record<string, unknown> = {};
  if (user?.name) userInfo.username = user.name;
  if (user?.uid) userInfo.uid = user.uid;
  if (user?.groups?.length) userInfo.groups = user.groups;
  if (user?.extra && Object.keys(user.extra).length > 0) userInfo.extra = user.extra;
  const request: Record<string, unknown> = {
    kind: { ...invocation.kind },
    resource: { ...invocation.resource },
  };
  if (invocation.subresource) request.subResource = invocation.subresource;
  request.requestKind = { ...attributes.kind };
  request.requestResource = { ...attributes.resource };
  if (attributes.subresource) request.requestSubResource = attributes.subresource;
  if (attributes.name) request.name = attributes.name;
  if (attributes.namespace) request.namespace = attributes.namespace;
  request.operation = attributes.operation;
  request.userInfo = userInfo;
  return request;
}

/** The review to send, and the uid its answer must carry. */
export function admissionReview(
  attributes: AdmissionAttributes,
  opts: { invocation: Invocation; version: ReviewVersion },
): { uid: string; review: Record<string, unknown> } {
  const uid = randomUUID();
  const request = { uid, ...admissionRequestOf(attributes, opts.invocation) };
  // RawExtensions without an object encode as null, as kube sends them.
  Object.assign(request, {
    object: opts.invocation.object ?? null,
    oldObject: opts.invocation.oldObject ?? null,
    dryRun: attributes.dryRun,
    options: attributes.options ?? null,
  });
  return {
    uid,
    review: { kind: 'AdmissionReview', apiVersion: `admission.k8s.io/${opts.version}`, request },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Type errors as Go's decoder reports a field of the wrong type (the call itself then failed). */
function decodeError(field: string, want: string, got: unknown): never {
  const kind = got === null ? 'null' : Array.isArray(got) ? 'array' : typeof got;
  throw new TypeError(`json: cannot unmarshal ${kind} into Go struct field ${field} of type ${want}`);
}

function base64Bytes(text: unknown): Buffer {
  if (typeof text !== 'string') decodeError('AdmissionResponse.response.patch', '[]uint8', text);
  const compact = text.replace(/[\r\n]/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    throw new TypeError('illegal base64 data in response.patch');
  }
  return Buffer.from(compact, 'base64');
}

function stringList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((w) => typeof w !== 'string'))
    decodeError(field, '[]string', value);
  return value as string[];
}

function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    decodeError(field, 'map[string]string', value);
  }
  return value as Record<string, string>;
}

/**
 * Decodes an answer (TypeError: it does not decode, the call failed) and checks it
 * (InvalidReviewError: it breaks the protocol). Both are failures to call the webhook.
 */
export function verifyAdmissionResponse(
  body: unknown,
  expect: { uid: string; version: ReviewVersion; mutating: boolean },
): ReviewAnswer {
  if (!isObject(body)) decodeError('AdmissionReview', 'v1.AdmissionReview', body);
  const response = body.response;
  if (response === undefined || response === null)
    throw new InvalidReviewError('webhook response was absent');
  if (!isObject(response)) decodeError('AdmissionReview.response', 'v1.AdmissionResponse', response);
  if (response.allowed !== undefined && typeof response.allowed !== 'boolean') {
    decodeError('AdmissionResponse.response.allowed', 'bool', response.allowed);
  }
  if (response.status !== undefined && response.status !== null && !isObject(response.status)) {
    decodeError('AdmissionResponse.response.status', 'v1.Status', response.status);
  }
  const patchType = response.patchType;
  if (patchType !== undefined && patchType !== null && typeof patchType !== 'string') {
    decodeError('AdmissionResponse.response.patchType', 'v1.PatchType', patchType);
  }
  const patch =
    response.patch === undefined || response.patch === null ? undefined : base64Bytes(response.patch);
  const answer: ReviewAnswer = {
    allowed: response.allowed === true,
    status: (response.status ?? undefined) as WebhookStatus | undefined,
    warnings: stringList(response.warnings, 'AdmissionResponse.response.warnings'),
    auditAnnotations: stringMap(response.auditAnnotations, 'AdmissionResponse.response.auditAnnotations'),
  };
  const hasPatch = patch !== undefined && patch.length > 0;
  if (expect.version === 'v1beta1') {
    // v1beta1 answers were never checked for uid or kind; a patch is taken as a JSON Patch.
    if (expect.mutating && hasPatch) Object.assign(answer, { patch, patchType: 'JSONPatch' });
    return answer;
  }
  if (response.uid !== expect.uid) {
    throw new InvalidReviewError(
      `expected response.uid="${expect.uid}", got "${String(response.uid ?? '')}"`,
    );
  }
  const [group, version] = String(body.apiVersion ?? '').includes('/')
    ? String(body.apiVersion).split('/')
    : ['', String(body.apiVersion ?? '')];
  if (body.apiVersion !== 'admission.k8s.io/v1' || body.kind !== 'AdmissionReview') {
    const got = `${group ? `${group}/` : ''}${version}, Kind=${String(body.kind ?? '')}`;
    throw new InvalidReviewError(
      `expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${got}`,
    );
  }
  const hasPatchType = patchType !== undefined && patchType !== null;
  if (expect.mutating) {
    if (hasPatch && !hasPatchType)
      throw new InvalidReviewError('webhook returned response.patch but not response.patchType');
    if (!hasPatch && hasPatchType)
      throw new InvalidReviewError('webhook returned response.patchType but not response.patch');
    if (hasPatchType && patchType === '') {
      throw new InvalidReviewError(`webhook returned invalid response.patchType of ""`);
    }
    if (hasPatch) Object.assign(answer, { patch, patchType });
  } else {
    if (hasPatch) throw new InvalidReviewError('validating webhook may not return response.patch');
    if (hasPatchType) throw new InvalidReviewError('validating webhook may not return response.patchType');
  }
  return answer;
}
