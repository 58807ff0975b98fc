/**
 * Where policies come from (kube's generic policy source): the core API's
 * ValidatingAdmissionPolicies and Bindings through two informers, static manifests, or both —
 * static ones first. A policy is compiled when it changes (a new object in the cache) and reused
 * for every request until then; each policy is paired with the bindings that name it.
 */
import type { CachedObject, Informer } from '../../cluster/informer';
import type { CelLimits } from '../cel/compile';
import { compilePolicy } from './compile-policy';
import type { CompiledPolicy } from './compile-policy';
import type { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from './types';

export interface PolicyHook {
  policy: CompiledPolicy;
  bindings: readonly ValidatingAdmissionPolicyBinding[];
}

export interface PolicySource {
  hasSynced(): boolean;
  waitForSync(timeoutMs: number): Promise<boolean>;
  /** Policies by name, each with its bindings by name. */
  hooks(): readonly PolicyHook[];
}

const byName = (a: { metadata: { name?: string } }, b: { metadata: { name?: string } }) => {
  const x = String(a.metadata?.name ?? '');
  const y = String(b.metadata?.name ?? '');
  return x < y ? -1 : x > y ? 1 : 0;
};

/** Pairs policies with their bindings; `compile` may cache. */
export function pairHooks(
  policies: readonly ValidatingAdmissionPolicy[],
  bindings: readonly ValidatingAdmissionPolicyBinding[],
  compile: (policy: ValidatingAdmissionPolicy) => CompiledPolicy,
): PolicyHook[] {
  const byPolicy = new Map<string, ValidatingAdmissionPolicyBinding[]>();
  for (const binding of [...bindings].sort(byName)) {
    const name = String(binding.spec?.policyName ?? '');
    if (!byPolicy.has(name)) byPolicy.set(name, []);
    byPolicy.get(name)!.push(binding);
  }
  return [...policies]
    .sort(byName)
    .map((policy) => ({
      policy: compile(policy),
      bindings: byPolicy.get(String(policy.metadata.name ?? '')) ?? [],
    }))
    .filter((hook) => hook.bindings.length > 0);
}

type PolicyInformer = Informer<ValidatingAdmissionPolicy & CachedObject>;
type BindingInformer = Informer<ValidatingAdmissionPolicyBinding & CachedObject>;

export function informerPolicySource(opts: {
  policies: PolicyInformer;
  bindings: BindingInformer;
  limits?: CelLimits;
}): PolicySource {
  // The informer replaces an object when it changes, so its identity is its version.
  const compiled = new WeakMap<object, CompiledPolicy>();
  const compile = (policy: ValidatingAdmissionPolicy) => {
    let c = compiled.get(policy);
    if (!c) compiled.set(policy, (c = compilePolicy(policy, opts.limits)));
    return c;
  };
  let last: { policies: readonly object[]; bindings: readonly object[]; hooks: readonly PolicyHook[] } = {
    policies: [],
    bindings: [],
    hooks: [],
  };
  const same = (a: readonly object[], b: readonly object[]) =>
    a.length === b.length && a.every((x, i) => x === b[i]);
  return {
    hasSynced: () => opts.policies.hasSynced() && opts.bindings.hasSynced(),
    async waitForSync(timeoutMs) {
      const [a, b] = await Promise.all([
        opts.policies.waitForSync(timeoutMs),
        opts.bindings.waitForSync(timeoutMs),
      ]);
      return a && b;
    },
    hooks() {
      const policies = opts.policies.list();
      const bindings = opts.bindings.list();
      if (same(policies, last.policies) && same(bindings, last.bindings)) return last.hooks;
      last = { policies, bindings, hooks: pairHooks(policies, bindings, compile) };
      return last.hooks;
    },
  };
}

export function compositePolicySource(sources: readonly PolicySource[]): PolicySource {
  if (sources.length === 1) return sources[0]!;
  return {
    hasSynced: () => sources.every((s) => s.hasSynced()),
    async waitForSync(timeoutMs) {
      return (await Promise.all(sources.map((s) => s.waitForSync(timeoutMs)))).every(Boolean);
    },
    hooks: () => sources.flatMap((s) => s.hooks()),
  };
}
