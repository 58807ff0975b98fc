/**
 * kube's audit Policy (audit.k8s.io/v1): which requests are audited at which level, and which
 * stages are left out. Rules are tried in order and the first that matches decides, as
 * k8s.io/apiserver/pkg/audit/policy/checker.go does: a rule matches when every list it gives
 * contains the request's user (users), one of its groups (userGroups), its verb, its namespace
 * (resource requests; "" is cluster scope), a resource entry (group plus `resources`:
 * `widgets`, `widgets/status`, `*`, `widgets/*`, `*\/status`, optionally narrowed to `resourceNames`) or,
 * for non-resource requests, a nonResourceURLs entry (`/metrics`, `/healthz*`). No rule: None.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { RequestAttributes } from '../../auth/request-attributes';
import type { UserInfo } from '../../auth/user';

export const AUDIT_LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
export type AuditLevel = (typeof AUDIT_LEVELS)[number];

export const AUDIT_STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;
export type AuditStage = (typeof AUDIT_STAGES)[number];

const stages = z.array(z.enum(AUDIT_STAGES)).optional();

const ruleSchema = z.strictObject({
  level: z.enum(AUDIT_LEVELS),
  users: z.array(z.string()).optional(),
  userGroups: z.array(z.string()).optional(),
  verbs: z.array(z.string()).optional(),
  resources: z
    .array(
      z.strictObject({
        group: z.string().optional(),
        resources: z.array(z.string()).optional(),
        resourceNames: z.array(z.string()).optional(),
      }),
    )
    .optional(),
  namespaces: z.array(z.string()).optional(),
  nonResourceURLs: z.array(z.string()).optional(),
  omitStages: stages,
  omitManagedFields: z.boolean().optional(),
});

const policySchema = z.object({
  apiVersion: z.literal('audit.k8s.io/v1', { message: 'apiVersion must be "audit.k8s.io/v1"' }),
  kind: z.literal('Policy', { message: 'kind must be "Policy"' }),
  metadata: z.unknown().optional(),
  rules: z.array(ruleSchema).min(1, { message: 'the policy has no rules' }),
  omitStages: stages,
  omitManagedFields: z.boolean().optional(),
});

export type AuditPolicy = z.infer<typeof policySchema>;
type Rule = AuditPolicy['rules'][number];

/** What the policy says about one request. */
export interface AuditDecision {
  level: AuditLevel;
  omitStages: ReadonlySet<AuditStage>;
  omitManagedFields: boolean;
}

/** Reads and checks --audit-policy-file; a bad policy stops start-up with what is wrong. */
export async function loadAuditPolicy(file: string): Promise<AuditPolicy> {
  let doc: unknown;
  try {
    doc = parseYaml(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`--audit-policy-file ${file}: ${(err as Error).message}`);
  }
  const parsed = policySchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new Error(`--audit-policy-file ${file}: ${where}${issue.message}`);
  }
  return parsed.data;
}

const NONE: AuditDecision = { level: 'None', omitStages: new Set(), omitManagedFields: false };

/** The audit decision for a request, cached per rule (the sets are built once). */
export function auditPolicyEvaluator(
  policy: AuditPolicy,
): (user: UserInfo, attributes: RequestAttributes) => AuditDecision {
  const decisions = policy.rules.map((rule): AuditDecision => ({
    level: rule.level,
    omitStages: new Set([...(policy.omitStages ?? []), ...(rule.omitStages ?? [])]),
    omitManagedFields: rule.omitManagedFields ?? policy.omitManagedFields ?? false,
  }));
  return (user, attributes) => {
    const index = policy.rules.findIndex((rule) => ruleMatches(rule, user, attributes));
    return index < 0 ? NONE : decisions[index]!;
  };
}

function ruleMatches(rule: Rule, user: UserInfo, attributes: RequestAttributes): boolean {
  if (rule.users && !rule.users.includes(user.name)) return false;
  if (rule.userGroups && !user.groups.some((g) => rule.userGroups!.includes(g))) return false;
  if (rule.verbs && !rule.verbs.includes(attributes.verb)) return false;
  if (!attributes.resourceRequest) {
    // A rule about resources or namespaces says nothing about non-resource requests.
    if (rule.resources || rule.namespaces) return false;
    return !rule.nonResourceURLs || rule.nonResourceURLs.some((url) => urlMatches(url, attributes.path));
  }
  if (rule.nonResourceURLs) return false;
  if (rule.namespaces && !rule.namespaces.includes(attributes.namespace)) return false;
  return !rule.resources || rule.resources.some((entry) => resourceMatches(entry, attributes));
}

function urlMatches(pattern: string, path: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  return pattern === path;
}

function resourceMatches(
  entry: NonNullable<Rule['resources']>[number],
  attributes: RequestAttributes & { resourceRequest: true },
): boolean {
  if ((entry.group ?? '') !== attributes.apiGroup) return false;
  if (!entry.resources || entry.resources.length === 0) return true;
  if (entry.resourceNames && entry.resourceNames.length > 0 && !entry.resourceNames.includes(attributes.name))
    return false;
  const { resource, subresource } = attributes;
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return entry.resources.some((r) => {
    if (r === '*' || r === combined) return true;
    if (r === `*/${subresource}` && subresource) return true;
    return subresource !== '' && r === `${resource}/*`;
  });
}
