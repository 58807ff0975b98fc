/**
 * Who may do what: k8s' delegating authorizer as a union — always-allowed non-resource paths,
 * always-allowed groups (system:masters, whom the kube-apiserver itself never refuses), the local
 * policy file, then the SubjectAccessReview. Standalone (no review) nobody else is allowed but to
 * read the public info paths, as a kube-apiserver whose RBAC has only its bootstrap bindings;
 * `alwaysAllow` is k8s' AlwaysAllow mode, for demos. Also the 403 Status with k8s' message
 * (`User "alice" cannot get resource "widgets" in API group ... in the namespace ...`).
 */
import { StatusError } from '../errors/status-error';
import { isAlwaysAllowed } from './authenticate';
import type { PolicyMatcher } from './policy-file';
import type { RequestAttributes } from './request-attributes';
import type { UserInfo } from './user';

/**
 * Which authorizer of the union decided, as kube's apiserver_authorization_decisions_total
 * labels it (type and name): the privileged groups and always-allowed paths, the policy file
 * (ABAC), the SubjectAccessReview (Webhook), AlwaysAllow, or the standalone default deny.
 */
export interface DecidedBy {
  type: 'Privileged' | 'ABAC' | 'Webhook' | 'AlwaysAllow' | 'AlwaysDeny';
  name: string;
}

export type Decision = ({ allowed: true; reason?: string } | { allowed: false; reason: string }) & {
  by?: DecidedBy;
};

/** Decides, or throws when it cannot (the request then fails with 500, as in k8s). */
/** A decision; synchronous when no SubjectAccessReview has to be asked (the hot path). */
export type Authorizer = (user: UserInfo, attributes: RequestAttributes) => Decision | Promise<Decision>;

export interface AuthorizerOptions {
  /** Non-resource paths anyone may request; a trailing `*` matches a prefix. */
  alwaysAllowPaths: readonly string[];
  /** Groups allowed everything without asking. */
  alwaysAllowGroups?: readonly string[];
  /** What --authorization-policy-file grants. */
  policies?: PolicyMatcher;
  /** The delegated decision (SubjectAccessReview); absent = standalone: what is not granted above is denied. */
  review?: Authorizer;
  /** Allow every request (k8s' AlwaysAllow mode). */
  alwaysAllow?: boolean;
}

export const PRIVILEGED_GROUP = 'system:masters';

const PRIVILEGED: DecidedBy = { type: 'Privileged', name: 'privileged' };
const ALLOW_PRIVILEGED: Decision = { allowed: true, by: PRIVILEGED };
const ALLOW_POLICY: Decision = { allowed: true, by: { type: 'ABAC', name: 'abac' } };
const ALLOW_ALL: Decision = { allowed: true, by: { type: 'AlwaysAllow', name: 'alwaysallow' } };
const STANDALONE: DecidedBy = { type: 'AlwaysDeny', name: 'standalone' };
const ALLOW_PUBLIC: Decision = { allowed: true, by: STANDALONE };
// No reason, as k8s' RBAC authorizer gives none when simply no rule matched.
const DENY: Decision = { allowed: false, reason: '', by: STANDALONE };

export function createAuthorizer(options: AuthorizerOptions): Authorizer {
  const groups = options.alwaysAllowGroups ?? [PRIVILEGED_GROUP];
  const pathAllowed = pathMatcher(options.alwaysAllowPaths);
  const { policies, review } = options;
  if (options.alwaysAllow) return () => ALLOW_ALL;
  return (user, attributes) => {
    if (!attributes.resourceRequest && pathAllowed(attributes.path)) return ALLOW_PRIVILEGED;
    if (user.groups.some((g) => groups.includes(g))) return ALLOW_PRIVILEGED;
    if (policies?.(user, attributes)) return ALLOW_POLICY;
    if (review) return review(user, attributes);
    // kube-apiserver's bootstrap RBAC lets anyone GET the health and version paths
    // (system:public-info-viewer); delegated, the cluster's review answers for them, standalone
    // pwk does: the same paths, per-check subpaths included, that anyone may reach unauthenticated.
    const publicInfo =
      !attributes.resourceRequest && attributes.verb === 'get' && isAlwaysAllowed(attributes.path);
    return publicInfo ? ALLOW_PUBLIC : DENY;
  };
}

function pathMatcher(paths: readonly string[]): (path: string) => boolean {
  const exact = new Set(paths.filter((p) => !p.endsWith('*')));
  const prefixes = paths.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
  return (path) => exact.has(path) || prefixes.some((prefix) => path.startsWith(prefix));
}

/** The Status k8s sends when the decision is no: names the user, verb and what was asked for. */
export function forbiddenError(user: UserInfo, attributes: RequestAttributes, reason: string): StatusError {
  const suffix = reason ? `: ${reason}` : '';
  if (!attributes.resourceRequest) {
    const why = `User "${user.name}" cannot ${attributes.verb} path "${attributes.path}"${suffix}`;
    return new StatusError(403, 'Forbidden', `forbidden: ${why}`, { details: {} });
  }
  const { apiGroup, namespace, resource, subresource, name, verb } = attributes;
  const what = subresource ? `${resource}/${subresource}` : resource;
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  const why = `User "${user.name}" cannot ${verb} resource "${what}" in API group "${apiGroup}" ${scope}${suffix}`;
  return StatusError.forbidden({ group: apiGroup, resource }, name, why);
}
