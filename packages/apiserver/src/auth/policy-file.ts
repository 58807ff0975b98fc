/**
 * `--authorization-policy-file`: local grants in Kubernetes' ABAC policy format, so a standalone
 * pwk can allow users other than system:masters. One JSON object per line; blank lines and lines
 * starting with `#` are skipped:
 *
 *   {"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy",
 *    "spec": {"group": "devs", "namespace": "*", "apiGroup": "*", "resource": "*", "readonly": true}}
 *
 * Matching is k8s' pkg/auth/authorizer/abac: a policy applies to its `user` (or `*`) and/or its
 * `group` (or `*`); `readonly` limits it to get, list and watch; a resource request matches when
 * `namespace`, `resource` and `apiGroup` each equal the request's or are `*` (an absent field is
 * "", which matches only "": the core group, cluster scope); a non-resource request matches
 * `nonResourcePath` exactly, by prefix when it ends in `*`, or `*`. Any policy matching allows.
 * Stricter than k8s on purpose: an unknown field or a policy naming neither user nor group is an
 * error at start-up rather than a line that silently never matches.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { RequestAttributes } from './request-attributes';
import type { UserInfo } from './user';

export const POLICY_API_VERSION = 'abac.authorization.kubernetes.io/v1beta1';

const policySchema = z.strictObject({
  apiVersion: z.literal(POLICY_API_VERSION, { message: `apiVersion must be "${POLICY_API_VERSION}"` }),
  kind: z.literal('Policy', { message: 'kind must be "Policy"' }),
  spec: z
    .strictObject({
      user: z.string().optional(),
      group: z.string().optional(),
      readonly: z.boolean().optional(),
      apiGroup: z.string().optional(),
      resource: z.string().optional(),
      namespace: z.string().optional(),
      nonResourcePath: z.string().optional(),
    })
    .refine((spec) => Boolean(spec.user || spec.group), { message: 'names neither user nor group' }),
});

export type Policy = z.infer<typeof policySchema>['spec'];

export type PolicyMatcher = (user: UserInfo, attributes: RequestAttributes) => boolean;

const READ_ONLY_VERBS = new Set(['get', 'list', 'watch']);

function subjectMatches(policy: Policy, user: UserInfo): boolean {
  if (policy.user && policy.user !== '*' && policy.user !== user.name) return false;
  if (policy.group && policy.group !== '*' && !user.groups.includes(policy.group)) return false;
  return true;
}

const field = (value: string | undefined, actual: string) => value === '*' || (value ?? '') === actual;

function targetMatches(policy: Policy, attributes: RequestAttributes): boolean {
  if (attributes.resourceRequest) {
    return (
      field(policy.namespace, attributes.namespace) &&
      field(policy.resource, attributes.resource) &&
      field(policy.apiGroup, attributes.apiGroup)
    );
  }
  const pattern = policy.nonResourcePath;
  if (!pattern) return false;
  if (pattern === '*' || pattern === attributes.path) return true;
  return pattern.endsWith('*') && attributes.path.startsWith(pattern.replace(/\*+$/, ''));
}

export function policyMatcher(policies: readonly Policy[]): PolicyMatcher {
  return (user, attributes) =>
    policies.some(
      (policy) =>
        subjectMatches(policy, user) &&
        (READ_ONLY_VERBS.has(attributes.verb) || !policy.readonly) &&
        targetMatches(policy, attributes),
    );
}

export class PolicyFileError extends Error {}

/** Parses policy-file text; `source` names the file in errors. Throws PolicyFileError with the line. */
export function parsePolicies(text: string, source: string): Policy[] {
  const policies: Policy[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `policy file "${source}" line ${index + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      throw new PolicyFileError(`${where}: not JSON (${(err as Error).message})`);
    }
    const parsed = policySchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const at = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      throw new PolicyFileError(`${where}: ${at}${issue.message}`);
    }
    policies.push(parsed.data.spec);
  });
  return policies;
}

export async function loadPolicyFile(file: string): Promise<Policy[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new PolicyFileError(`cannot read policy file "${file}": ${(err as Error).message}`);
  }
  return parsePolicies(text, file);
}
