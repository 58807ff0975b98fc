/**
 * Discovery (/api, /apis, /apis/<group>[/<version>]) and OpenAPI (/openapi/v2 in JSON and
 * protobuf, /openapi/v3). Documents are built once (discovery/); here they are negotiated and
 * served with ETags, so the aggregator's If-None-Match polling costs a 304.
 */
import { createHash } from 'node:crypto';
import express from 'express';
import type { Request, Response, Router } from 'express';
import {
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  emptyAggregatedDiscovery,
} from '../discovery/discovery-documents';
import type { AggregatedDiscoveryVersion } from '../discovery/discovery-documents';
import type { OpenAPIDocuments, ServedDocument } from '../discovery/openapi-served-documents';
import { OPENAPI_V2_PROTOBUF } from '../discovery/openapi-v2-protobuf';
import type { InstalledAPI } from '../apis/installed-api';
import { groupVersionOf } from '../apis/resource-description';
import { StatusError } from '../errors/status-error';
import { sendCachedDocument } from './cached-document';
import { JSON_MEDIA_TYPE, negotiateResponse } from './negotiation';
import { negotiateOpenAPIV2 } from './openapi-v2-negotiation';
import { checkTimeoutParam, queryValue } from './query';
import { sendBody } from './respond';

const etagOf = (text: string) =>
  `"${createHash('sha256').update(text).digest('hex').slice(0, 32).toUpperCase()}"`;

/** Sends body as JSON with an ETag; answers 304 when the client already has it. */
function sendCached(
  req: Request,
  res: Response,
  opts: { body: unknown; contentType: string; etag?: string },
): void {
  const text = JSON.stringify(opts.body);
  const etag = opts.etag ?? etagOf(text);
  res.setHeader('ETag', etag);
  res.setHeader('Vary', 'Accept');
  if (req.get('if-none-match') === etag) {
    res.status(304).end();
    return;
  }
  res.status(200).setHeader('Content-Type', opts.contentType);
  // A Buffer keeps the Content-Type exact: client-go picks its discovery parser from it.
  res.send(Buffer.from(text));
}

function sendJSONDocument(req: Request, res: Response, doc: ServedDocument): void {
  const { json: bytes, etag, lastModified } = doc;
  sendCachedDocument(req, res, { bytes, contentType: JSON_MEDIA_TYPE, etag, lastModified });
}

export interface DiscoveryRoutesOptions {
  api: InstalledAPI;
  openAPI: OpenAPIDocuments;
}

export function discoveryRoutes({ api, openAPI }: DiscoveryRoutesOptions): Router {
  const router = express.Router();

  router.get('/api', (req, res) => {
    checkTimeoutParam(req.query);
    const form = negotiateResponse(req.get('accept'), { discovery: true });
    // Never a legacy APIVersions listing v1: kubectl would then ask /api/v1 of us.
    if (form.kind !== 'APIGroupDiscoveryList') throw notFound();
    const body = emptyAggregatedDiscovery(form.version as AggregatedDiscoveryVersion);
    sendCached(req, res, { body, contentType: form.contentType });
  });

  router.get('/apis', (req, res) => {
    checkTimeoutParam(req.query);
    const form = negotiateResponse(req.get('accept'), { discovery: true });
    if (form.kind === 'APIGroupDiscoveryList') {
      sendCached(req, res, {
        body: aggregatedDiscovery(form.version as AggregatedDiscoveryVersion, api.groups),
        contentType: form.contentType,
      });
      return;
    }
    sendBody(res, { status: 200, body: apiGroupList(api.groups), form });
  });

  for (const group of api.groups) {
    router.get(`/apis/${group.name}`, (req, res) => {
      checkTimeoutParam(req.query);
      sendBody(res, { status: 200, body: apiGroup(group), form: negotiateResponse(req.get('accept'), {}) });
    });
  }

  for (const gv of api.groupVersions) {
    router.get(`/apis/${groupVersionOf(gv)}`, (req, res) => {
      checkTimeoutParam(req.query);
      const form = negotiateResponse(req.get('accept'), {});
      sendBody(res, { status: 200, body: apiResourceList(gv), form });
    });
  }

  router.get('/openapi/v2', (req, res) => {
    // kubectl ≤ 1.26 and `explain --output=plaintext-openapiv2` ask for protobuf only.
    if (negotiateOpenAPIV2(req.get('accept')) === 'protobuf') {
      const { bytes, etag, lastModified } = openAPI.v2Protobuf();
      sendCachedDocument(req, res, { bytes, contentType: OPENAPI_V2_PROTOBUF, etag, lastModified });
      return;
    }
    sendJSONDocument(req, res, openAPI.v2());
  });

  router.get('/openapi/v3', (req, res) => {
    negotiateResponse(req.get('accept'), { yaml: false });
    sendJSONDocument(req, res, openAPI.v3Index());
  });

  for (const gv of api.groupVersions) {
    const groupVersion = groupVersionOf(gv);
    router.get(`/openapi/v3/apis/${groupVersion}`, (req, res) => {
      negotiateResponse(req.get('accept'), { yaml: false });
      const doc = openAPI.v3(groupVersion) as ServedDocument;
      const current = openAPI.v3Hash(groupVersion) as string;
      const hash = queryValue(req.query, 'hash');
      if (hash && hash !== current) {
        // A stale hash (an old index) moves to the current document, as kube-openapi's handler3
        // does, so nothing is ever cached as immutable under a hash it does not match.
        res.redirect(301, `/openapi/v3/apis/${groupVersion}?hash=${current}`);
        return;
      }
      if (hash) {
        res.setHeader('Cache-Control', 'public, immutable');
        res.setHeader('Expires', new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString());
      }
      sendJSONDocument(req, res, doc);
    });
  }

  return router;
}

/** The 404 for a path nothing serves (k8s' NotFound for unknown routes). */
export function notFound(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {
    details: {},
  });
}
