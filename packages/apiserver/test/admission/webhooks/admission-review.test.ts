/**
 * A webhook's answer checked as kube's VerifyAdmissionResponse checks it, and a denial turned
 * into the Status kube answers with (ToStatusErr).
 */
import { InvalidReviewError, verifyAdmissionResponse } from '../../../src/admission/webhook/admission-review';
import { webhookDenial } from '../../../src/admission/webhook/errors';

const v1 = (response: unknown, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  response,
  ...extra,
});
const patch = Buffer.from('[{"op":"add","path":"/a","value":1}]').toString('base64');
const expectV1 = { uid: 'u-1', version: 'v1' as const, mutating: true };

describe('verifying an AdmissionReview answer', () => {
  it('takes an allowing answer with its warnings and audit annotations', () => {
    const answer = verifyAdmissionResponse(
      v1({ uid: 'u-1', allowed: true, warnings: ['w'], auditAnnotations: { k: 'v' } }),
      expectV1,
    );
    expect(answer).toEqual({
      allowed: true,
      status: undefined,
      warnings: ['w'],
      auditAnnotations: { k: 'v' },
    });
  });

  it('decodes a mutating webhook’s base64 JSON Patch', () => {
    const answer = verifyAdmissionResponse(
      v1({ uid: 'u-1', allowed: true, patchType: 'JSONPatch', patch }),
      expectV1,
    );
    expect(answer.patch!.toString()).toBe('[{"op":"add","path":"/a","value":1}]');
    expect(answer.patchType).toBe('JSONPatch');
  });

  it.each([
    [v1(undefined), 'webhook response was absent'],
    [v1({ uid: 'other', allowed: true }), 'expected response.uid="u-1", got "other"'],
    [
      v1({ uid: 'u-1', allowed: true }, { apiVersion: 'admission.k8s.io/v1beta1' }),
      'expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got admission.k8s.io/v1beta1, Kind=AdmissionReview',
    ],
    [v1({ uid: 'u-1', allowed: true, patch }), 'webhook returned response.patch but not response.patchType'],
    [
      v1({ uid: 'u-1', allowed: true, patchType: 'JSONPatch' }),
      'webhook returned response.patchType but not response.patch',
    ],
  ])('refuses %j: %s', (body, message) => {
    expect(() => verifyAdmissionResponse(body, expectV1)).toThrow(new InvalidReviewError(message));
  });

  it('refuses a patch or patchType from a validating webhook', () => {
    const validating = { ...expectV1, mutating: false };
    expect(() => verifyAdmissionResponse(v1({ uid: 'u-1', allowed: true, patch }), validating)).toThrow(
      'validating webhook may not return response.patch',
    );
    expect(() =>
      verifyAdmissionResponse(v1({ uid: 'u-1', allowed: true, patchType: 'JSONPatch' }), validating),
    ).toThrow('validating webhook may not return response.patchType');
  });

  it('treats an answer of the wrong shape as a failed call', () => {
    expect(() => verifyAdmissionResponse(v1({ uid: 'u-1', allowed: 'yes' }), expectV1)).toThrow(TypeError);
    expect(() => verifyAdmissionResponse(v1({ uid: 'u-1', allowed: true, warnings: 'w' }), expectV1)).toThrow(
      TypeError,
    );
    expect(() =>
      verifyAdmissionResponse(
        v1({ uid: 'u-1', allowed: true, patchType: 'JSONPatch', patch: '%%%' }),
        expectV1,
      ),
    ).toThrow(TypeError);
  });

  it('checks neither uid nor kind of a v1beta1 answer, and takes its patch as a JSON Patch', () => {
    const answer = verifyAdmissionResponse(
      { response: { allowed: true, patch } },
      { uid: 'u-1', version: 'v1beta1', mutating: true },
    );
    expect(answer.patchType).toBe('JSONPatch');
  });
});

describe('a webhook’s denial as the answer', () => {
  it('keeps the webhook’s code, reason and details, its message prefixed', () => {
    const status = webhookDenial('x.example.com', {
      code: 422,
      reason: 'Invalid',
      message: 'spec.replicas: too many',
      details: { causes: [{ field: 'spec.replicas', message: 'too many' }] },
    }).toStatus();
    expect(status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'admission webhook "x.example.com" denied the request: spec.replicas: too many',
      reason: 'Invalid',
      details: { causes: [{ field: 'spec.replicas', message: 'too many' }] },
      code: 422,
    });
  });

  it('answers 400 for a code below 400, and takes the reason when there is no message', () => {
    const status = webhookDenial('x.example.com', { code: 200, reason: 'NotAllowed' }).toStatus();
    expect(status).toMatchObject({
      code: 400,
      message: 'admission webhook "x.example.com" denied the request: NotAllowed',
    });
  });
});
