/**
 * A small RBAC evaluator over rendered manifests: which rules reach a service account through
 * its (Cluster)RoleBindings, and whether they allow one request. Built-in roles that pwk binds
 * to are written out from Kubernetes' bootstrap policy
 * (plugin/pkg/auth/authorizer/rbac/bootstrappolicy), since no cluster is here to ask.
 */
import type { KubeObject } from './kube-objects';

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** One API request: the verb on group/resource[/subresource], in a namespace (absent: cluster-wide). */
export interface Access {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
}

/** Rules that hold in one namespace, or everywhere (namespace undefined). */
export interface Grant {
  namespace?: string;
  rules: PolicyRule[];
}

interface RoleRef {
  kind: 'Role' | 'ClusterRole';
  name: string;
}

export const BUILT_IN_CLUSTER_ROLES: Record<string, PolicyRule[]> = {
  'system:auth-delegator': [
    { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
    { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
  ],
};

/** Namespaced built-in roles, keyed `namespace/name`. */
export const BUILT_IN_ROLES: Record<string, PolicyRule[]> = {
  'kube-system/extension-apiserver-authentication-reader': [
    {
      apiGroups: [''],
      resources: ['configmaps'],
      resourceNames: ['extension-apiserver-authentication'],
      verbs: ['get', 'list', 'watch'],
    },
  ],
};

function rulesOf(objects: KubeObject[], ref: RoleRef, bindingNamespace?: string): PolicyRule[] | undefined {
  const namespace = ref.kind === 'Role' ? bindingNamespace : undefined;
  const own = objects.find(
    (o) => o.kind === ref.kind && o.metadata.name === ref.name && o.metadata.namespace === namespace,
  );
  if (own) return (own.rules as PolicyRule[] | undefined) ?? [];
  return ref.kind === 'ClusterRole'
    ? BUILT_IN_CLUSTER_ROLES[ref.name]
    : BUILT_IN_ROLES[`${namespace}/${ref.name}`];
}

/** Every grant reaching the service account; throws when a binding names a role that exists nowhere. */
export function grantsFor(objects: KubeObject[], account: { namespace: string; name: string }): Grant[] {
  const grants: Grant[] = [];
  for (const binding of objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')) {
    const subjects =
      (binding.subjects as { kind: string; name: string; namespace?: string }[] | undefined) ?? [];
    const bound = subjects.some(
      (s) => s.kind === 'ServiceAccount' && s.name === account.name && s.namespace === account.namespace,
    );
    if (!bound) continue;
    const ref = binding.roleRef as RoleRef;
    const namespace = binding.kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
    const rules = rulesOf(objects, ref, namespace);
    if (!rules)
      throw new Error(`${binding.kind} ${binding.metadata.name}: ${ref.kind} ${ref.name} exists nowhere`);
    grants.push({ namespace, rules });
  }
  return grants;
}

const matches = (list: string[] | undefined, value: string) =>
  list !== undefined && (list.includes('*') || list.includes(value));

export function isAllowed(grants: Grant[], access: Access): boolean {
  return grants.some(
    (grant) =>
      (grant.namespace === undefined || grant.namespace === access.namespace) &&
      grant.rules.some(
        (rule) =>
          matches(rule.verbs, access.verb) &&
          matches(rule.apiGroups, access.group) &&
          matches(rule.resources, access.resource) &&
          (rule.resourceNames === undefined ||
            rule.resourceNames.length === 0 ||
            (access.name !== undefined && rule.resourceNames.includes(access.name))),
      ),
  );
}
