/**
 * The resource endpoints of one installed resource: collection and object paths — in a namespace
 * and across all namespaces for a namespaced resource, at the group version for a cluster-scoped
 * one. Each route negotiates, decodes and parses here, calls one handler, and writes
 * its result; every error goes through sendStatusError.
 */
import express from 'express';
import type { Router } from 'express';
import { StatusError } from '../errors/status-error';
import { createObject } from '../handlers/create';
import { deleteCollection } from '../handlers/delete-collection';
import { deleteObject } from '../handlers/delete';
import { getObject } from '../handlers/get';
import { listObjects } from '../handlers/list';
import type { HandlerResult } from '../handlers/result';
import { applyObject } from '../handlers/apply';
import { patchObject } from '../handlers/patch';
import { updateObject } from '../handlers/update';
import { openWatch } from '../handlers/watch';
import type { UserInfo } from '../auth/user';
import { parseIncludeObject } from '../registry/table';
import { applyDuplicateWarnings } from './body';
import { admissionAnnotationSink } from './audit-requests';
import { parseDeleteOptions } from './delete-options';
import { writeOptionsOf } from './write-options';
import type { BodyDecoder } from './body';
import { header, requestQuery, routeParam } from './exchange';
import type { ApiHandler, ApiRequest, ApiResponse } from './exchange';
import { bodyFormat, negotiator } from './negotiation';
import type { ResponseForm } from './negotiation';
import { parseListParams, queryValue } from './query';
import { sendBody, sendText, setWarnings, storedJson, transformList, transformObject } from './respond';
import { streamWatch } from './watch-stream';
import { basePath, collectionPath, warnOf } from './served-resource';
import type { ServedResource } from './served-resource';
import type { TableConverter } from '../registry/table';
import type { WatchMetrics } from '../observability/metrics/request-metrics';

export interface ResourceRoutesOptions {
  resource: ServedResource;
  now: () => Date;
  /** Watches without timeoutSeconds end after a random time in [min, 2·min). */
  minRequestTimeoutMs: number;
  bookmarkIntervalMs: number;
  maxRequestBytes: number;
  decoder: BodyDecoder;
  /** Aborted on shutdown: every open watch ends then. */
  watchesEnd?: AbortSignal;
  /** The watch metrics of this resource's kind. */
  watchMetrics?: WatchMetrics;
}

type Handler = (req: ApiRequest, res: ApiResponse) => Promise<void>;

// One negotiator per kind of endpoint (see negotiator()).
const negotiators = {
  watch: negotiator({ table: true, metadata: 'single', yaml: false }),
  list: negotiator({ table: true, metadata: 'list' }),
  object: negotiator({ table: true, metadata: 'single' }),
  deleteObject: negotiator({ metadata: 'single' }),
  deleteCollection: negotiator({ metadata: 'list' }),
};

function negotiate(req: ApiRequest, endpoint: keyof typeof negotiators): ResponseForm {
  return negotiators[endpoint](header(req, 'accept'));
}

function send(
  req: ApiRequest,
  res: ApiResponse,
  answer: { result: HandlerResult; form: ResponseForm; now: () => Date; table: TableConverter },
): void {
  const { result, form, now, table } = answer;
  setWarnings(res, result.warnings);
  const stored = result.type === 'status' ? undefined : storedJson(result, form);
  if (stored !== undefined) {
    sendText(res, { status: result.code, text: stored, form });
    return;
  }
  const includeObject = parseIncludeObject(queryValue(requestQuery(req), 'includeObject'));
  // The clock is read only for an answer that shows ages (a Table).
  const options = { form, includeObject, now: now(), table };
  let body: unknown;
  if (result.type === 'object') body = transformObject(result.object, options);
  else if (result.type === 'list') body = transformList(result.list, options);
  else body = result.status;
  sendBody(res, {
    status: result.code,
    body,
    form: result.type === 'status' ? { ...form, kind: 'object' } : form,
  });
}

function wrap(handler: Handler): ApiHandler {
  return (req, res, next): void => {
    handler(req, res).catch(next);
  };
}

/** The route handlers of plain object and collection requests, by method (see direct-routes.ts). */
export interface DirectRoutes {
  object: Record<'GET' | 'PUT' | 'PATCH' | 'DELETE', ApiHandler[]>;
  collection: Record<'POST', ApiHandler[]>;
}

/** The router of the resource endpoints, and its plain routes' handlers for direct dispatch. */
export function resourceRoutes(options: ResourceRoutesOptions): { router: Router; direct: DirectRoutes } {
  const { decoder } = options;
  const { store, table, installed } = options.resource;
  const { plural: resource, namespaced } = installed.kind;
  const router = express.Router();
  // body-parser reads only Node's request (headers and stream), so the same reader serves the
  // router and direct dispatch.
  const raw = express.raw({ type: () => true, limit: options.maxRequestBytes }) as unknown as ApiHandler;

  const listOrWatch =
    (allNamespaces: boolean): Handler =>
    async (req, res) => {
      const namespace = allNamespaces ? undefined : routeParam(req, 'namespace');
      const params = parseListParams(requestQuery(req), store.strategy);
      if (params.watch) {
        const form = negotiate(req, 'watch');
        const includeObject = parseIncludeObject(queryValue(requestQuery(req), 'includeObject'));
        const stream = await openWatch(store, { namespace, params });
        const timeoutMs =
          params.timeoutSeconds !== undefined && params.timeoutSeconds > 0
            ? params.timeoutSeconds * 1000
            : options.minRequestTimeoutMs * (1 + Math.random());
        await streamWatch(res, stream, {
          store,
          form,
          includeObject,
          table,
          timeoutMs,
          bookmarkIntervalMs: params.allowWatchBookmarks ? options.bookmarkIntervalMs : undefined,
          now: options.now,
          end: options.watchesEnd,
          metrics: options.watchMetrics,
        });
        return;
      }
      const form = negotiate(req, 'list');
      send(req, res, {
        result: await listObjects(store, { namespace, params }),
        form,
        now: options.now,
        table,
      });
    };

  const create: Handler = async (req, res) => {
    const form = negotiate(req, 'object');
    const format = bodyFormat(header(req, 'content-type'), ['json', 'yaml']);
    const { value: body, duplicates } = await decoder.object(req.body as Buffer, format as 'json' | 'yaml');
    const requested = writeOptionsOf(req, res);
    const result = await createObject(store, {
      namespace: routeParam(req, 'namespace'),
      body,
      options: { ...requested, duplicateFields: duplicates },
    });
    if (requested.dryRun) result.code = 201;
    send(req, res, { result, form, now: options.now, table });
  };

  const update: Handler = async (req, res) => {
    const form = negotiate(req, 'object');
    const format = bodyFormat(header(req, 'content-type'), ['json', 'yaml']);
    const { value: body, duplicates } = await decoder.object(req.body as Buffer, format as 'json' | 'yaml');
    const result = await updateObject(store, {
      namespace: routeParam(req, 'namespace'),
      name: routeParam(req, 'name'),
      body,
      options: writeOptionsOf(req, res, { duplicateFields: duplicates }),
    });
    send(req, res, { result, form, now: options.now, table });
  };

  const patch: Handler = async (req, res) => {
    const form = negotiate(req, 'object');
    const type = bodyFormat(header(req, 'content-type'), [
      'json-patch',
      'merge-patch',
      'strategic-merge-patch',
      'apply-patch',
    ]);
    const force = queryValue(requestQuery(req), 'force');
    if (type === 'apply-patch') {
      const { value: applied, duplicates } = await decoder.optional(req.body as Buffer | undefined, 'yaml');
      if (applied === undefined) throw StatusError.badRequest('the apply configuration is empty');
      const forced = force === 'true' || force === '1';
      const requested = writeOptionsOf(req, res, { optionsKind: 'PatchOptions', force: forced });
      const warnings = applyDuplicateWarnings(duplicates, requested.fieldValidation);
      const result = await applyObject(store, {
        namespace: routeParam(req, 'namespace'),
        name: routeParam(req, 'name'),
        applied,
        force: forced,
        options: requested,
      });
      result.warnings = [...warnings, ...result.warnings];
      send(req, res, { result, form, now: options.now, table });
      return;
    }
    if (force !== undefined) {
      throw StatusError.invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [
        {
          reason: 'FieldValueForbidden',
          field: 'force',
          message: 'Forbidden: may not be specified for non-apply patch',
        },
      ]);
    }
    const { value: body, duplicates } = await decoder.optional(req.body as Buffer | undefined, 'json', {
      jsonPatch: type === 'json-patch',
    });
    if (body === undefined) throw StatusError.badRequest('the patch is empty');
    const result = await patchObject(store, {
      namespace: routeParam(req, 'namespace'),
      name: routeParam(req, 'name'),
      patch: body,
      type: type as 'json-patch' | 'merge-patch' | 'strategic-merge-patch',
      options: writeOptionsOf(req, res, { duplicateFields: duplicates, optionsKind: 'PatchOptions' }),
    });
    send(req, res, { result, form, now: options.now, table });
  };

  const get: Handler = async (req, res) => {
    const form = negotiate(req, 'object');
    const result = await getObject(store, {
      namespace: routeParam(req, 'namespace'),
      name: routeParam(req, 'name'),
    });
    send(req, res, { result, form, now: options.now, table });
  };

  const remove: Handler = async (req, res) => {
    const form = negotiate(req, 'deleteObject');
    const result = await deleteObject(store, {
      namespace: routeParam(req, 'namespace'),
      name: routeParam(req, 'name'),
      options: {
        ...(await parseDeleteOptions(req, decoder)),
        user: res.locals.user as UserInfo | undefined,
        auditAnnotations: admissionAnnotationSink(res),
      },
    });
    send(req, res, { result, form, now: options.now, table });
  };

  const removeCollection: Handler = async (req, res) => {
    const form = negotiate(req, 'deleteCollection');
    const params = parseListParams(requestQuery(req), store.strategy);
    const result = await deleteCollection(store, {
      namespace: routeParam(req, 'namespace'),
      params,
      options: {
        ...(await parseDeleteOptions(req, decoder)),
        user: res.locals.user as UserInfo | undefined,
        auditAnnotations: admissionAnnotationSink(res),
      },
    });
    send(req, res, { result, form, now: options.now, table });
  };

  const notAllowed =
    (what: string): Handler =>
    async (req) => {
      throw StatusError.methodNotAllowed(req.method, what);
    };

  const collection = collectionPath(installed);
  const object = `${collection}/:name`;
  // A deprecated version's Warning goes first on every answer, as a CRD's handler adds it.
  const first: ApiHandler[] = installed.deprecationWarning ? [warnOf(installed.deprecationWarning)] : [];
  const chain = (...handlers: ApiHandler[]): ApiHandler[] => [...first, ...handlers];
  const direct: DirectRoutes = {
    object: {
      GET: chain(wrap(get)),
      PUT: chain(raw, wrap(update)),
      PATCH: chain(raw, wrap(patch)),
      DELETE: chain(raw, wrap(remove)),
    },
    collection: { POST: chain(raw, wrap(create)) },
  };
  if (namespaced) {
    const everywhere = `${basePath(installed)}/${resource}`;
    router.get(everywhere, ...chain(wrap(listOrWatch(true))));
    router.all(everywhere, ...chain(wrap(notAllowed(`${resource} across all namespaces`))));
  }
  router.get(collection, ...chain(wrap(listOrWatch(!namespaced))));
  router.post(collection, ...direct.collection.POST);
  router.delete(collection, ...chain(raw, wrap(removeCollection)));
  router.all(collection, ...chain(wrap(notAllowed(`a collection of ${resource}`))));
  router.get(object, ...direct.object.GET);
  router.put(object, ...direct.object.PUT);
  router.patch(object, ...direct.object.PATCH);
  router.delete(object, ...direct.object.DELETE);
  router.all(object, ...chain(wrap(notAllowed(`${resource}`))));
  return { router, direct };
}
