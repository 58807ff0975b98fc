/**
 * The audit.k8s.io/v1 Event, as kube-apiserver writes it: one per stage a request reaches, with
 * its audit ID, level, verb, URI, user, source IPs, user agent, objectRef, responseStatus, the
 * request/response bodies the level asks for, and the received/stage timestamps in MicroTime.
 */
import type { RequestAttributes } from '../../auth/request-attributes';
import type { UserInfo } from '../../auth/user';
import type { AuditLevel, AuditStage } from './policy';

export interface ObjectReference {
  resource?: string;
  namespace?: string;
  name?: string;
  apiGroup?: string;
  apiVersion?: string;
  subresource?: string;
}

export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: AuditLevel;
  auditID: string;
  stage: AuditStage;
  requestURI: string;
  verb: string;
  user: { username: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: ObjectReference;
  responseStatus?: {
    metadata: Record<string, never>;
    code: number;
    status?: string;
    message?: string;
    reason?: string;
  };
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

/** metav1.MicroTime: RFC 3339 with microseconds, in UTC. */
export function microTime(epochMs: number): string {
  const whole = Math.floor(epochMs);
  const micros = Math.floor((epochMs - whole) * 1000);
  return new Date(whole).toISOString().replace('Z', `${String(micros).padStart(3, '0')}Z`);
}

/** kube's user.Info in an event: empty fields left out (Go's omitempty). */
export function auditUser(user: UserInfo): AuditEvent['user'] {
  return {
    username: user.name,
    ...(user.uid && { uid: user.uid }),
    ...(user.groups.length > 0 && { groups: user.groups }),
    ...(user.extra && Object.keys(user.extra).length > 0 && { extra: user.extra }),
  };
}

/** The objectRef of a resource request (none for a non-resource one), empty fields left out. */
export function objectRef(attributes: RequestAttributes): ObjectReference | undefined {
  if (!attributes.resourceRequest) return undefined;
  const ref: ObjectReference = {};
  if (attributes.resource) ref.resource = attributes.resource;
  if (attributes.namespace) ref.namespace = attributes.namespace;
  if (attributes.name) ref.name = attributes.name;
  if (attributes.apiGroup) ref.apiGroup = attributes.apiGroup;
  if (attributes.apiVersion) ref.apiVersion = attributes.apiVersion;
  if (attributes.subresource) ref.subresource = attributes.subresource;
  return ref;
}

/**
 * kube's utilnet.SourceIPs: the X-Forwarded-For chain, then X-Real-Ip, then the peer's address
 * (last, unless already listed) — what the aggregator's proxy forwards shows the real client.
 */
export function sourceIPs(headers: {
  forwardedFor?: string;
  realIp?: string;
  remoteAddress?: string;
}): string[] {
  const ips = (headers.forwardedFor ?? '')
    .split(',')
    .map((ip) => ip.trim())
    .filter((ip) => ip !== '');
  const realIp = headers.realIp?.trim();
  if (realIp && !ips.includes(realIp)) ips.push(realIp);
  const remote = headers.remoteAddress?.replace(/^::ffff:/, '');
  if (remote && !ips.includes(remote)) ips.push(remote);
  return ips;
}

/** Objects with metadata.managedFields removed (omitManagedFields), lists' items included. */
export function withoutManagedFields(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return body;
  const obj = body as Record<string, unknown>;
  const copy: Record<string, unknown> = { ...obj };
  if (typeof obj.metadata === 'object' && obj.metadata !== null && 'managedFields' in obj.metadata) {
    const { managedFields: _dropped, ...metadata } = obj.metadata as Record<string, unknown>;
    copy.metadata = metadata;
  }
  if (Array.isArray(obj.items)) copy.items = obj.items.map(withoutManagedFields);
  return copy;
}
