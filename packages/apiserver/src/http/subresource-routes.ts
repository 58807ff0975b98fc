/**
 * The status and scale subresources of a resource that has them: <plural>/{name}/status
 * (GET/PUT/PATCH through the status strategy: only status changes) and <plural>/{name}/scale (an
 * autoscaling/v1 Scale view of the replicas). `kubectl scale --current-replicas` PUTs without a
 * Content-Type: JSON is assumed.
 */
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { StatusError } from '../errors/status-error';
import { applyObject } from '../handlers/apply';
import { getObject } from '../handlers/get';
import { patchObject } from '../handlers/patch';
import { getScale, patchScale, updateScale } from '../handlers/scale';
import { updateObject } from '../handlers/update';
import type { DuplicateFields, RegistryStore } from '../registry/store';
import { applyDuplicateWarnings } from './body';
import type { BodyDecoder } from './body';
import { bodyFormat, negotiateResponse } from './negotiation';
import type { ResponseForm } from './negotiation';
import { queryValue } from './query';
import { writeOptionsOf } from './write-options';
import { sendBody, setWarnings } from './respond';
import { collectionPath, warnOf } from './served-resource';
import type { ServedResource } from './served-resource';

export interface SubresourceRoutesOptions {
  /** Its main store (scale writes the replicas through it) and its status store. */
  resource: ServedResource;
  maxRequestBytes: number;
  decoder: BodyDecoder;
}

type Handler = (req: Request, res: Response) => Promise<void>;
type PatchKind = 'json-patch' | 'merge-patch' | 'strategic-merge-patch';

const target = (req: Request) => {
  const params = req.params as Record<string, string>;
  // A cluster-scoped resource's paths have no namespace.
  return { namespace: params.namespace ?? '', name: String(params.name) };
};

function reply(
  res: Response,
  answer: { code: number; body: unknown; warnings: string[]; form: ResponseForm },
): void {
  setWarnings(res, answer.warnings);
  sendBody(res, { status: answer.code, body: answer.body, form: { ...answer.form, kind: 'object' } });
}

async function patchBody(
  req: Request,
  decoder: BodyDecoder,
): Promise<{ patch: unknown; type: PatchKind; duplicates?: DuplicateFields }> {
  const type = bodyFormat(req.get('content-type'), [
    'json-patch',
    'merge-patch',
    'strategic-merge-patch',
  ]) as PatchKind;
  const decoded = await decoder.optional(req.body as Buffer | undefined, 'json', {
    jsonPatch: type === 'json-patch',
  });
  if (decoded.value === undefined) throw StatusError.badRequest('the patch is empty');
  return { patch: decoded.value, type, duplicates: decoded.duplicates };
}

/** Whether a status PATCH is server-side apply (415 for a type no status patch takes). */
function isApply(req: Request): boolean {
  const types = ['json-patch', 'merge-patch', 'strategic-merge-patch', 'apply-patch'] as const;
  return bodyFormat(req.get('content-type'), types) === 'apply-patch';
}

/** `force` belongs to apply patches only (ValidatePatchOptions). */
function checkNoForce(req: Request): void {
  if (queryValue(req.query, 'force') === undefined) return;
  throw StatusError.invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [
    {
      reason: 'FieldValueForbidden',
      field: 'force',
      message: 'Forbidden: may not be specified for non-apply patch',
    },
  ]);
}

export function subresourceRoutes(options: SubresourceRoutesOptions): Router {
  const { decoder } = options;
  const { store, statusStore, installed } = options.resource;
  const resource = installed.kind.plural;
  const object = `${collectionPath(installed)}/:name`;
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: options.maxRequestBytes });
  const form = (req: Request) => negotiateResponse(req.get('accept'), {});
  // A deprecated version's Warning goes first on every answer, as a CRD's handler adds it.
  const { deprecationWarning } = installed;
  const warnFirst = (path: string): void => {
    if (deprecationWarning) router.all(path, warnOf(deprecationWarning));
  };

  const scaleGet: Handler = async (req, res) => {
    const result = await getScale(store, target(req));
    reply(res, { code: 200, body: result.scale, warnings: [], form: form(req) });
  };
  const scalePut: Handler = async (req, res) => {
    const f = form(req);
    const format = bodyFormat(req.get('content-type'), ['json', 'yaml']) as 'json' | 'yaml';
    const { value: body, duplicates } = await decoder.optional(req.body as Buffer | undefined, format);
    const result = await updateScale(store, {
      ...target(req),
      body,
      options: writeOptionsOf(req, res, { duplicateFields: duplicates }),
    });
    reply(res, { code: 200, body: result.scale, warnings: result.warnings, form: f });
  };
  const scalePatch: Handler = async (req, res) => {
    const f = form(req);
    const { duplicates, ...patch } = await patchBody(req, decoder);
    const result = await patchScale(store, {
      ...target(req),
      ...patch,
      options: writeOptionsOf(req, res, { duplicateFields: duplicates, optionsKind: 'PatchOptions' }),
    });
    reply(res, { code: 200, body: result.scale, warnings: result.warnings, form: f });
  };
  const notAllowed =
    (what: string): Handler =>
    async (req) => {
      throw StatusError.methodNotAllowed(req.method, what);
    };
  const wrap = (handler: Handler) => (req: Request, res: Response, next: NextFunction) => {
    handler(req, res).catch(next);
  };

  const addStatusRoutes = (statusStore: RegistryStore): void => {
    const statusGet: Handler = async (req, res) => {
      const result = await getObject(statusStore, target(req));
      reply(res, { code: 200, body: result.object, warnings: [], form: form(req) });
    };
    const statusPut: Handler = async (req, res) => {
      const f = form(req);
      const format = bodyFormat(req.get('content-type'), ['json', 'yaml']) as 'json' | 'yaml';
      const { value: body, duplicates } = await decoder.object(req.body as Buffer, format);
      const result = await updateObject(statusStore, {
        ...target(req),
        body,
        options: writeOptionsOf(req, res, { duplicateFields: duplicates }),
      });
      reply(res, { code: 200, body: result.object, warnings: result.warnings, form: f });
    };
    const statusPatch: Handler = async (req, res) => {
      const f = form(req);
      const options = writeOptionsOf(req, res, { optionsKind: 'PatchOptions' });
      // Server-side apply to status (controllers' Status().Patch(..., client.Apply)); never creates.
      if (isApply(req)) {
        const { value: applied, duplicates } = await decoder.optional(req.body as Buffer | undefined, 'yaml');
        if (applied === undefined) throw StatusError.badRequest('the apply configuration is empty');
        const warnings = applyDuplicateWarnings(duplicates, options.fieldValidation);
        const force = queryValue(req.query, 'force') === 'true' || queryValue(req.query, 'force') === '1';
        const result = await applyObject(statusStore, {
          ...target(req),
          applied,
          force,
          options: { ...options, force },
        });
        reply(res, {
          code: result.code,
          body: result.object,
          warnings: [...warnings, ...result.warnings],
          form: f,
        });
        return;
      }
      checkNoForce(req);
      const { duplicates, ...patch } = await patchBody(req, decoder);
      const result = await patchObject(statusStore, {
        ...target(req),
        ...patch,
        options: { ...options, duplicateFields: duplicates },
      });
      reply(res, { code: 200, body: result.object, warnings: result.warnings, form: f });
    };
    warnFirst(`${object}/status`);
    router.get(`${object}/status`, wrap(statusGet));
    router.put(`${object}/status`, raw, wrap(statusPut));
    router.patch(`${object}/status`, raw, wrap(statusPatch));
    router.all(`${object}/status`, wrap(notAllowed(`${resource}/status`)));
  };
  if (statusStore) addStatusRoutes(statusStore);
  if (installed.version.subresources.scale) {
    warnFirst(`${object}/scale`);
    router.get(`${object}/scale`, wrap(scaleGet));
    router.put(`${object}/scale`, raw, wrap(scalePut));
    router.patch(`${object}/scale`, raw, wrap(scalePatch));
    router.all(`${object}/scale`, wrap(notAllowed(`${resource}/scale`)));
  }
  return router;
}
