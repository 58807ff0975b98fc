/**
 * The policies and bindings of the ValidatingAdmissionPolicy plugin's staticManifestsDir, read
 * as the webhooks' are (webhook/static-manifests.ts): ValidatingAdmissionPolicy and
 * ValidatingAdmissionPolicyBinding objects (or v1 Lists of them), named `*.static.k8s.io`, names
 * unique per kind; a bad manifest stops start-up, naming the file. The directory is read again
 * every interval; a broken one keeps the last good set and says why in the log. Static
 * policies cannot use params (there is no core API to read them from).
 */
import type { Logger } from '../../logging/logger';
import type { CelLimits } from '../cel/compile';
import { reloadPeriodically } from '../static-reload';
import {
  STATIC_CONFIG_SUFFIX,
  StaticManifestError,
  readManifestDocuments,
} from '../webhook/static-manifests';
import { ADMISSIONREGISTRATION_V1 } from '../webhook/types';
import { compilePolicy } from './compile-policy';
import { pairHooks } from './sources';
import type { PolicyHook, PolicySource } from './sources';
import { BINDING_KIND, POLICY_KIND } from './types';
import type { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from './types';

export interface StaticPolicySource extends PolicySource {
  close(): void;
}

interface Loaded {
  policies: ValidatingAdmissionPolicy[];
  bindings: ValidatingAdmissionPolicyBinding[];
  hash: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function accept(doc: unknown, file: string, into: Loaded, seen: Map<string, string>): void {
  if (!isObject(doc)) throw new StaticManifestError(`error loading ${file}: a manifest must be an object`);
  if (
    (doc.apiVersion === 'v1' && doc.kind === 'List') ||
    (doc.apiVersion === ADMISSIONREGISTRATION_V1 &&
      (doc.kind === `${POLICY_KIND}List` || doc.kind === `${BINDING_KIND}List`))
  ) {
    for (const item of Array.isArray(doc.items) ? doc.items : []) accept(item, file, into, seen);
    return;
  }
  const kind = String(doc.kind);
  if (doc.apiVersion !== ADMISSIONREGISTRATION_V1 || (kind !== POLICY_KIND && kind !== BINDING_KIND)) {
    throw new StaticManifestError(
      `error loading ${file}: unsupported resource type ${String(doc.apiVersion)}, Kind=${kind}: only ${ADMISSIONREGISTRATION_V1} ${POLICY_KIND} and ${BINDING_KIND} are read here`,
    );
  }
  const metadata = isObject(doc.metadata) ? doc.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  if (!name) throw new StaticManifestError(`error loading ${file}: a ${kind} must have a name`);
  if (!name.endsWith(STATIC_CONFIG_SUFFIX)) {
    throw new StaticManifestError(
      `error loading ${file}: ${kind} "${name}" must have a name ending with "${STATIC_CONFIG_SUFFIX}"`,
    );
  }
  const key = `${kind}/${name}`;
  const first = seen.get(key);
  if (first)
    throw new StaticManifestError(
      `error loading ${file}: duplicate ${kind} name "${name}", first defined in ${first}`,
    );
  seen.set(key, file);
  const spec = isObject(doc.spec) ? doc.spec : undefined;
  if (kind === POLICY_KIND) {
    if (!spec || !Array.isArray(spec.validations) || spec.validations.length === 0) {
      if (!spec || !Array.isArray(spec.auditAnnotations) || spec.auditAnnotations.length === 0) {
        throw new StaticManifestError(
          `error loading ${file}: ${POLICY_KIND} "${name}" is invalid: spec.validations: Required value: validations or auditAnnotations must contain at least one item`,
        );
      }
    }
    into.policies.push(doc as unknown as ValidatingAdmissionPolicy);
  } else {
    if (!spec || typeof spec.policyName !== 'string' || !spec.policyName) {
      throw new StaticManifestError(
        `error loading ${file}: ${BINDING_KIND} "${name}" is invalid: spec.policyName: Required value`,
      );
    }
    const actions = Array.isArray(spec.validationActions) ? spec.validationActions : [];
    if (actions.length === 0 || actions.some((a) => !['Deny', 'Warn', 'Audit'].includes(String(a)))) {
      throw new StaticManifestError(
        `error loading ${file}: ${BINDING_KIND} "${name}" is invalid: spec.validationActions: Required value: at least one of Deny, Warn, Audit`,
      );
    }
    into.bindings.push(doc as unknown as ValidatingAdmissionPolicyBinding);
  }
}

export async function loadStaticPolicies(dir: string): Promise<Loaded> {
  const { documents, hash } = await readManifestDocuments(dir);
  const loaded: Loaded = { policies: [], bindings: [], hash };
  const seen = new Map<string, string>();
  for (const { file, value } of documents) accept(value, file, loaded, seen);
  return loaded;
}

export async function staticPolicySource(opts: {
  dir: string;
  logger: Logger;
  reloadIntervalMs?: number;
  limits?: CelLimits;
}): Promise<StaticPolicySource> {
  const build = (loaded: Loaded) =>
    pairHooks(loaded.policies, loaded.bindings, (p) => compilePolicy(p, opts.limits));
  const first = await loadStaticPolicies(opts.dir);
  let hooks: readonly PolicyHook[] = build(first);
  const names = (loaded: Loaded) => ({
    policies: loaded.policies.map((p) => p.metadata.name),
    bindings: loaded.bindings.map((b) => b.metadata.name),
  });
  opts.logger.info('static admission policies loaded', { dir: opts.dir, ...names(first) });
  const stop = reloadPeriodically({
    load: () => loadStaticPolicies(opts.dir),
    first,
    intervalMs: opts.reloadIntervalMs ?? 10_000,
    onChange: (loaded) => {
      hooks = build(loaded);
      opts.logger.info('static admission policies reloaded', { dir: opts.dir, ...names(loaded) });
    },
    onError: (error) =>
      opts.logger.warn('cannot reload the static admission policies; keeping the last ones', {
        dir: opts.dir,
        error,
      }),
  });
  return {
    hasSynced: () => true,
    waitForSync: async () => true,
    hooks: () => hooks,
    close: stop,
  };
}
