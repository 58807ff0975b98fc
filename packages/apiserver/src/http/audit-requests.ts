/**
 * The audit filter, where kube's WithAudit runs (after authentication, around authorization and
 * the handler): the policy picks the request's level; RequestReceived is emitted at once,
 * ResponseStarted when a long-running request (a watch) sends its headers, ResponseComplete when
 * the response closes — each unless the policy omits the stage. (No Panic stage: Node has no
 * panics; a handler that throws is answered with a 500 Status, audited as ResponseComplete.) Request level adds the request body, RequestResponse the response body too
 * (not of a watch, whose response is a stream). The annotations carry authorization's decision
 * and reason (set by authorize.ts) and the annotations admission plugins add (webhooks'
 * `<name>/<key>`, the mutation and fail-open records), collected through the write's options.
 * Nothing here can fail or hold up a request: events go to a
 * non-blocking sink.
 */
import { header, requestUrl } from './exchange';
import type { ApiRequest, ApiResponse, Next } from './exchange';
import type { RequestAttributes } from '../auth/request-attributes';
import type { UserInfo } from '../auth/user';
import type { AuditAnnotation } from '../admission/attributes';
import {
  auditUser,
  microTime,
  objectRef,
  sourceIPs,
  withoutManagedFields,
} from '../observability/audit/event';
import type { AuditEvent } from '../observability/audit/event';
import type { AuditDecision, AuditStage } from '../observability/audit/policy';
import type { AuditSink } from '../observability/audit/sink';
import type { AuditMetrics } from '../observability/metrics/audit-metrics';
import { attributesOf, isLongRunning } from './request-info';

export interface AuditRequestsOptions {
  decide(user: UserInfo, attributes: RequestAttributes): AuditDecision;
  sink: AuditSink;
  metrics: AuditMetrics;
  now?: () => number;
}

const ANNOTATIONS = 'auditAnnotations';
const ADMISSION_ANNOTATIONS = 'admissionAuditAnnotations';

const LEVEL_ORDER = { None: 0, Metadata: 1, Request: 2, RequestResponse: 3 } as const;

/**
 * Where admission's audit annotations for this request are collected (WriteOptions and
 * DeletionOptions carry it to the registry); undefined when the request is not audited.
 */
export function admissionAnnotationSink(res: ApiResponse): Record<string, AuditAnnotation> | undefined {
  return res.locals[ADMISSION_ANNOTATIONS] as Record<string, AuditAnnotation> | undefined;
}

/** Adds an annotation to the request's audit events (kube's audit.AddAuditAnnotation). */
export function addAuditAnnotation(res: ApiResponse, key: string, value: string): void {
  const annotations = res.locals[ANNOTATIONS] as Record<string, string> | undefined;
  if (annotations) annotations[key] = value;
}

/** The request body as JSON, for the Request and RequestResponse levels. */
function auditedBody(req: ApiRequest): unknown {
  const body = req.body;
  if (!Buffer.isBuffer(body) || body.length === 0) return undefined;
  const type = header(req, 'content-type') ?? '';
  // JSON and its patch types; YAML and protobuf bodies are not decoded again for the log.
  if (!/json/.test(type)) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function statusOf(code: number, body: Buffer | undefined): AuditEvent['responseStatus'] {
  const status: NonNullable<AuditEvent['responseStatus']> = { metadata: {}, code };
  if (code < 400 || !body) return status;
  try {
    const sent = JSON.parse(body.toString('utf8')) as { status?: string; message?: string; reason?: string };
    if (sent.status) status.status = sent.status;
    if (sent.message) status.message = sent.message;
    if (sent.reason) status.reason = sent.reason;
  } catch {
    // Not a Status: the code alone.
  }
  return status;
}

export function auditRequests(options: AuditRequestsOptions) {
  const now = options.now ?? (() => performance.timeOrigin + performance.now());
  return (req: ApiRequest, res: ApiResponse, next: Next): void => {
    const user = res.locals.user as UserInfo;
    const attributes = attributesOf(req, res);
    const decision = options.decide(user, attributes);
    if (decision.level === 'None') return next();
    options.metrics.leveled(decision.level);
    const annotations: Record<string, string> = {};
    res.locals[ANNOTATIONS] = annotations;
    const fromAdmission: Record<string, AuditAnnotation> = {};
    res.locals[ADMISSION_ANNOTATIONS] = fromAdmission;
    const received = microTime(now());
    const base = {
      kind: 'Event' as const,
      apiVersion: 'audit.k8s.io/v1' as const,
      level: decision.level,
      auditID: String(res.locals.auditID ?? ''),
      requestURI: requestUrl(req),
      verb: attributes.verb,
      user: auditUser(user),
      sourceIPs: sourceIPs({
        forwardedFor: header(req, 'x-forwarded-for'),
        realIp: header(req, 'x-real-ip'),
        remoteAddress: req.socket.remoteAddress,
      }),
      userAgent: header(req, 'user-agent'),
      objectRef: objectRef(attributes),
      requestReceivedTimestamp: received,
    };
    const bodies = (body: unknown) => (decision.omitManagedFields ? withoutManagedFields(body) : body);
    const emit = (stage: AuditStage, extra: Partial<AuditEvent> = {}): void => {
      if (decision.omitStages.has(stage)) return;
      const event: AuditEvent = { ...base, stage, ...extra, stageTimestamp: microTime(now()) };
      if (!event.userAgent) delete event.userAgent;
      if (!event.objectRef) delete event.objectRef;
      // Admission's annotations go only into events at or above their level (kube's AddAnnotationWithLevel).
      const merged = { ...annotations };
      for (const [key, { value, level }] of Object.entries(fromAdmission)) {
        if (LEVEL_ORDER[level] <= LEVEL_ORDER[decision.level]) merged[key] = value;
      }
      if (Object.keys(merged).length > 0) event.annotations = merged;
      options.sink.process(event);
    };
    emit('RequestReceived');

    const longRunning = isLongRunning(attributes);
    // The answer's bytes, when one end() carries it (every non-streamed answer does).
    let sentBody: Buffer | undefined;
    const end = res.end.bind(res) as (...args: unknown[]) => ApiResponse;
    (res as unknown as { end: (...args: unknown[]) => ApiResponse }).end = (...args: unknown[]) => {
      const [chunk] = args;
      if (Buffer.isBuffer(chunk)) sentBody = chunk;
      else if (typeof chunk === 'string') sentBody = Buffer.from(chunk);
      return end(...args);
    };
    if (longRunning) {
      const flush = res.flushHeaders.bind(res);
      res.flushHeaders = () => {
        flush();
        emit('ResponseStarted', { responseStatus: { metadata: {}, code: res.statusCode } });
      };
    }
    res.once('close', () => {
      const extra: Partial<AuditEvent> = { responseStatus: statusOf(res.statusCode, sentBody) };
      if (decision.level === 'Request' || decision.level === 'RequestResponse') {
        const requestObject = auditedBody(req);
        if (requestObject !== undefined) extra.requestObject = bodies(requestObject);
      }
      if (
        decision.level === 'RequestResponse' &&
        !longRunning &&
        sentBody &&
        /json/.test(String(res.getHeader('content-type') ?? ''))
      ) {
        try {
          extra.responseObject = bodies(JSON.parse(sentBody.toString('utf8')));
        } catch {
          // Not JSON (protobuf, YAML): left out, as the log holds JSON only.
        }
      }
      emit('ResponseComplete', extra);
    });
    next();
  };
}
