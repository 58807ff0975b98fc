/**
 * The Kubernetes API calls pwk's code makes, read from its sources so RBAC cannot fall behind:
 * - the controller's client-node calls (`api.<verb><Namespaced|Cluster><Kind>(...)` on the API
 *   class given to makeApi, and the ListWatch/Watch on a path);
 * - the apiserver's delegated-auth calls, from the path constants it sends requests to.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { GROUP, RESOURCE } from '@pwk/api';
import type { Access } from './rbac';

/** client-node method verbs → RBAC verbs. */
const VERBS: Record<string, string> = {
  read: 'get',
  list: 'list',
  create: 'create',
  replace: 'update',
  patch: 'patch',
  delete: 'delete',
  deleteCollection: 'deletecollection',
};

/** client-node API classes → API groups; CustomObjectsApi is Foo's (the only custom kind pwk has). */
const API_GROUPS: Record<string, string> = {
  CoreV1Api: '',
  EventsV1Api: 'events.k8s.io',
  CoordinationV1Api: 'coordination.k8s.io',
  CustomObjectsApi: GROUP,
};

export interface CodeCall {
  file: string;
  call: string;
  /** Namespaced calls need the grant in the object's namespace; cluster calls everywhere. */
  scope: 'namespaced' | 'cluster';
  access: Omit<Access, 'namespace'>;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const p = path.join(dir, entry);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** `replaceNamespacedCustomObjectStatus` → update foos/status; `createNamespacedEvent` → create events. */
export function accessOfMethod(
  apiClass: string,
  method: string,
): CodeCall['access'] & { scope: CodeCall['scope'] } {
  const m =
    /^(read|list|create|replace|patch|deleteCollection|delete)(Namespaced|Cluster)?([A-Z]\w*?)(Status)?$/.exec(
      method,
    );
  const group = API_GROUPS[apiClass];
  if (!m || group === undefined) throw new Error(`${apiClass}.${method}: not a call this scan understands`);
  const kind = m[3]!;
  const plural = kind === 'CustomObject' ? RESOURCE : `${kind[0]!.toLowerCase()}${kind.slice(1)}s`;
  return {
    verb: VERBS[m[1]!]!,
    group,
    resource: m[4] ? `${plural}/status` : plural,
    scope: m[2] === 'Namespaced' ? 'namespaced' : 'cluster',
  };
}

/** Every API call in the controller's sources. Throws on a call the scan cannot classify. */
export function controllerCalls(srcDir: string): CodeCall[] {
  const calls: CodeCall[] = [];
  for (const file of tsFiles(srcDir)) {
    const text = readFileSync(file, 'utf8');
    const relative = path.relative(srcDir, file);
    const apiClass = /makeApi\(\s*\w+,\s*(\w+)/.exec(text)?.[1];
    for (const m of text.matchAll(/\bapi\.(\w+)\(/g)) {
      if (!apiClass) throw new Error(`${relative}: calls api.${m[1]} without makeApi(kc, <Api class>)`);
      const { scope, ...access } = accessOfMethod(apiClass, m[1]!);
      calls.push({ file: relative, call: `${apiClass}.${m[1]}`, scope, access });
    }
    // The informer's ListWatch lists and watches the path it is given (Foo's, across namespaces).
    if (/new ListWatch\b/.test(text)) {
      for (const verb of ['list', 'watch']) {
        calls.push({
          file: relative,
          call: 'ListWatch',
          scope: 'cluster',
          access: { verb, group: GROUP, resource: RESOURCE },
        });
      }
    }
  }
  return calls;
}

/** `/apis/<group>/<version>/<resource>` or `/api/v1/namespaces/<ns>/<resource>/<name>` → the access a request needs. */
export function accessOfPath(method: 'GET' | 'POST', apiPath: string): Access {
  const m = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(
    apiPath,
  );
  if (!m) throw new Error(`${apiPath}: not a resource path`);
  return {
    verb: method === 'POST' ? 'create' : m[4] ? 'get' : 'list',
    group: m[1] ?? '',
    namespace: m[2],
    resource: m[3]!,
    name: m[4],
  };
}
