/**
 * The part of a kube-apiserver's core API that pwk reads, played in tests because a real
 * kube-apiserver cannot run here: namespaces, ResourceQuotas and the admissionregistration.k8s.io
 * webhook configurations on their real paths, in their real wire format — lists with a resourceVersion, watches that replay from one (410 ERROR below
 * the retained window) and send bookmarks, single-object GETs with 404 Statuses, and ResourceQuota
 * status updates with optimistic concurrency (409 Conflict on a stale resourceVersion). Tests
 * change objects through it as kube-controller-manager would (the namespace controller marking a
 * namespace Terminating, the quota controller writing status.used).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type CoreObject = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    uid?: string;
    [k: string]: unknown;
  };
  [k: string]: unknown;
};

interface CoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: string;
  object: CoreObject;
  revision: number;
}

const KINDS: Readonly<Record<string, { kind: string; namespaced: boolean; apiVersion: string }>> = {
  namespaces: { kind: 'Namespace', namespaced: false, apiVersion: 'v1' },
  resourcequotas: { kind: 'ResourceQuota', namespaced: true, apiVersion: 'v1' },
  mutatingwebhookconfigurations: {
    kind: 'MutatingWebhookConfiguration',
    namespaced: false,
    apiVersion: 'admissionregistration.k8s.io/v1',
  },
  validatingwebhookconfigurations: {
    kind: 'ValidatingWebhookConfiguration',
    namespaced: false,
    apiVersion: 'admissionregistration.k8s.io/v1',
  },
  validatingadmissionpolicies: {
    kind: 'ValidatingAdmissionPolicy',
    namespaced: false,
    apiVersion: 'admissionregistration.k8s.io/v1',
  },
  validatingadmissionpolicybindings: {
    kind: 'ValidatingAdmissionPolicyBinding',
    namespaced: false,
    apiVersion: 'admissionregistration.k8s.io/v1',
  },
  configmaps: { kind: 'ConfigMap', namespaced: true, apiVersion: 'v1' },
};

/** `/api/v1` for the core group, `/apis/<group>/<version>` otherwise. */
const prefixOf = (apiVersion: string) => (apiVersion === 'v1' ? '/api/v1' : `/apis/${apiVersion}`);

/** A failure Status as kube-apiserver sends it. */
export const status = (code: number, reason: string, message: string, details?: Record<string, unknown>) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  ...(details ? { details } : {}),
  code,
});

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export class FakeCoreApi {
  private revision = 100;
  private readonly objects = new Map<string, Map<string, CoreObject>>();
  private readonly events: CoreEvent[] = [];
  private readonly watchers = new Set<(event: CoreEvent) => void>();
  /** Events older than this many are gone: a watch from before them gets 410. */
  windowSize = 1000;
  bookmarkIntervalMs = 200;
  /** Every request served: `GET /api/v1/namespaces?…`. */
  readonly requests: string[] = [];
  /** Answer every request with this Status code (e.g. 503) while set. */
  failWith: number | undefined;
  /** Status updates refused for a stale resourceVersion. */
  conflicts = 0;

  constructor() {
    for (const resource of Object.keys(KINDS)) this.objects.set(resource, new Map());
  }

  private key(object: CoreObject): string {
    return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
  }

  /** Creates or replaces an object (as another client of the API would), bumping its resourceVersion. */
  put(resource: string, object: CoreObject): CoreObject {
    const collection = this.objects.get(resource)!;
    const existed = collection.has(this.key(object));
    this.revision += 1;
    const stored: CoreObject = {
      apiVersion: KINDS[resource]!.apiVersion,
      kind: KINDS[resource]!.kind,
      ...structuredClone(object),
      metadata: {
        uid: `uid-${resource}-${object.metadata.name}`,
        creationTimestamp: '2026-12-01T00:00:00Z',
        ...structuredClone(object.metadata),
        resourceVersion: String(this.revision),
      },
    };
    collection.set(this.key(stored), stored);
    this.publish({ type: existed ? 'MODIFIED' : 'ADDED', resource, object: stored, revision: this.revision });
    return structuredClone(stored);
  }

  get(resource: string, namespace: string, name: string): CoreObject | undefined {
    const found = this.objects.get(resource)!.get(`${namespace}/${name}`);
    return found && structuredClone(found);
  }

  remove(resource: string, namespace: string, name: string): void {
    const collection = this.objects.get(resource)!;
    const found = collection.get(`${namespace}/${name}`);
    if (!found) return;
    collection.delete(`${namespace}/${name}`);
    this.revision += 1;
    const object = { ...found, metadata: { ...found.metadata, resourceVersion: String(this.revision) } };
    this.publish({ type: 'DELETED', resource, object, revision: this.revision });
  }

  /** Adds a namespace (Active by default) with the label kube gives every namespace, and `labels`. */
  namespace(
    name: string,
    phase: 'Active' | 'Terminating' = 'Active',
    labels: Record<string, string> = {},
  ): CoreObject {
    return this.put('namespaces', {
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase },
    });
  }

  private publish(event: CoreEvent): void {
    this.events.push(event);
    if (this.events.length > this.windowSize) this.events.splice(0, this.events.length - this.windowSize);
    for (const watcher of this.watchers) watcher(event);
  }

  /** Serves the request if it is one of the core API's; false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse, body: string): boolean {
    const url = new URL(req.url ?? '/', 'https://fake');
    const match = this.route(url.pathname);
    // `/api/v1/namespaces/<name>` matches as the namespaces resource with that name.
    if (!match) return false;
    // The authentication ConfigMap is the delegated-auth stand-in's, not a param.
    if (match[2] === 'configmaps' && match[3] === 'extension-apiserver-authentication') return false;
    this.requests.push(`${req.method} ${req.url}`);
    if (this.failWith !== undefined) {
      send(res, this.failWith, status(this.failWith, 'ServiceUnavailable', 'the fake is told to fail'));
      return true;
    }
    const resource = match[2]!;
    const namespace = match[1] ? decodeURIComponent(match[1]) : undefined;
    const name = match[3] ? decodeURIComponent(match[3]) : undefined;
    const sub = match[4];
    if (req.method === 'GET' && !name) {
      if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
        this.serveWatch(req, res, { resource, namespace, query: url.searchParams });
      } else {
        this.serveList(res, resource, namespace);
      }
      return true;
    }
    if (req.method === 'GET' && name) {
      const found = this.get(resource, namespace ?? '', name);
      if (found) send(res, 200, found);
      else
        send(res, 404, status(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource }));
      return true;
    }
    if (req.method === 'PUT' && resource === 'resourcequotas' && name && sub === '/status') {
      this.updateQuotaStatus(res, { namespace: namespace ?? '', name, body });
      return true;
    }
    send(res, 405, status(405, 'MethodNotAllowed', 'the fake does not serve this'));
    return true;
  }

  /** [path, namespace, resource, name, /status] of a path this fake serves. */
  private route(pathname: string): Array<string | undefined> | undefined {
    for (const [resource, info] of Object.entries(KINDS)) {
      const prefix = prefixOf(info.apiVersion).replace(/[./]/g, (c) => `\\${c}`);
      const match = new RegExp(
        `^${prefix}(?:\\/namespaces\\/([^/]+))?\\/(${resource})(?:\\/([^/]+))?(\\/status)?$`,
      ).exec(pathname);
      if (match) return [...match];
    }
    return undefined;
  }

  private serveList(res: ServerResponse, resource: string, namespace: string | undefined): void {
    const items = [...this.objects.get(resource)!.values()]
      .filter((o) => namespace === undefined || o.metadata.namespace === namespace)
      .sort((a, b) => this.key(a).localeCompare(this.key(b)));
    send(res, 200, {
      kind: `${KINDS[resource]!.kind}List`,
      apiVersion: KINDS[resource]!.apiVersion,
      metadata: { resourceVersion: String(this.revision) },
      items,
    });
  }

  private serveWatch(
    req: IncomingMessage,
    res: ServerResponse,
    opts: { resource: string; namespace: string | undefined; query: URLSearchParams },
  ): void {
    const from = Number(opts.query.get('resourceVersion') || this.revision);
    const oldest = this.events[0]?.revision ?? this.revision + 1;
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const write = (line: unknown) => res.write(`${JSON.stringify(line)}\n`);
    if (from < oldest - 1 && this.events.length >= this.windowSize) {
      write({
        type: 'ERROR',
        object: status(410, 'Expired', `too old resource version: ${from} (${oldest})`),
      });
      res.end();
      return;
    }
    let sentRevision = from;
    const relevant = (e: CoreEvent) =>
      e.resource === opts.resource &&
      (opts.namespace === undefined || e.object.metadata.namespace === opts.namespace);
    const deliver = (e: CoreEvent) => {
      if (e.revision <= sentRevision || !relevant(e)) return;
      sentRevision = e.revision;
      write({ type: e.type, object: e.object });
    };
    for (const event of this.events) deliver(event);
    this.watchers.add(deliver);
    const bookmarks =
      opts.query.get('allowWatchBookmarks') === 'true'
        ? setInterval(() => {
            sentRevision = Math.max(sentRevision, this.revision);
            write({
              type: 'BOOKMARK',
              object: {
                kind: KINDS[opts.resource]!.kind,
                apiVersion: KINDS[opts.resource]!.apiVersion,
                metadata: { resourceVersion: String(sentRevision) },
              },
            });
          }, this.bookmarkIntervalMs)
        : undefined;
    const timeoutSeconds = Number(opts.query.get('timeoutSeconds') || 0);
    const timeout = timeoutSeconds > 0 ? setTimeout(() => res.end(), timeoutSeconds * 1000) : undefined;
    const stop = () => {
      this.watchers.delete(deliver);
      if (bookmarks) clearInterval(bookmarks);
      if (timeout) clearTimeout(timeout);
    };
    res.on('close', stop);
    req.on('close', stop);
  }

  private updateQuotaStatus(
    res: ServerResponse,
    opts: { namespace: string; name: string; body: string },
  ): void {
    const current = this.objects.get('resourcequotas')!.get(`${opts.namespace}/${opts.name}`);
    if (!current) {
      send(res, 404, status(404, 'NotFound', `resourcequotas "${opts.name}" not found`));
      return;
    }
    const update = JSON.parse(opts.body) as CoreObject;
    if (update.metadata.resourceVersion !== current.metadata.resourceVersion) {
      this.conflicts += 1;
      send(
        res,
        409,
        status(
          409,
          'Conflict',
          `Operation cannot be fulfilled on resourcequotas "${opts.name}": the object has been modified; please apply your changes to the latest version and try again`,
          { name: opts.name, kind: 'resourcequotas' },
        ),
      );
      return;
    }
    // The status subresource changes only the status.
    send(res, 200, this.put('resourcequotas', { ...current, status: update.status }));
  }

  close(): void {
    this.watchers.clear();
  }
}
