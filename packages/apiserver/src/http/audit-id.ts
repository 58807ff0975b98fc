/**
 * Every response carries an `Audit-ID` header: the one the caller sent (the aggregator forwards
 * the kube-apiserver's, so both servers' logs line up) or a fresh UUID, as k8s' WithAuditInit
 * does. Server-side log lines about the request carry the same id (`res.locals.auditID`).
 */
import { randomUUID } from 'node:crypto';
import { header } from './exchange';
import type { ApiRequest, ApiResponse, Next } from './exchange';

export const AUDIT_ID_HEADER = 'Audit-ID';

// Printable ASCII without spaces, bounded: an id is echoed into headers and logs.
const USABLE_ID = /^[\x21-\x7e]{1,128}$/;

export function auditId() {
  return (req: ApiRequest, res: ApiResponse, next: Next): void => {
    const sent = header(req, AUDIT_ID_HEADER)?.trim();
    const id = sent && USABLE_ID.test(sent) ? sent : randomUUID();
    res.locals.auditID = id;
    res.setHeader(AUDIT_ID_HEADER, id);
    next();
  };
}
