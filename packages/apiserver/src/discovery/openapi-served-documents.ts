/**
 * The OpenAPI documents as served: the documents of an installed API never change within a
 * process, so each is built once (openapi-document.ts), frozen, serialised and hashed — the
 * hash is the ETag and the v3 index's `?hash=`, as kube-openapi serves them.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { InstalledAPI } from '../apis/installed-api';
import { groupVersionOf } from '../apis/resource-description';
import { buildOpenAPIV2Document, buildOpenAPIV3Document } from './openapi-document';
import { encodeOpenAPIV2 } from './openapi-v2-protobuf';

type JsonObject = Record<string, unknown>;

/** A document ready to serve: the body, its JSON, its quoted ETag and when it was built. */
export interface ServedDocument {
  body: JsonObject;
  /** The body as sent: serialised once, never per request. */
  json: Buffer;
  etag: string;
  lastModified: Date;
}

/** The Swagger 2.0 document in protobuf, under the JSON form's ETag (as kube-openapi serves it). */
export interface ServedBytes {
  bytes: Buffer;
  etag: string;
  lastModified: Date;
}

const hashOfText = (text: string): string =>
  createHash('sha256').update(text).digest('hex').slice(0, 32).toUpperCase();

/** Uppercase hex like kube's `?hash=`: a 128-bit prefix of the SHA-256 of the JSON body. */
export function documentHash(body: unknown): string {
  return hashOfText(JSON.stringify(body));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Frozen, so no caller can change a body after its hash was taken. */
function serve(body: JsonObject): ServedDocument {
  const text = JSON.stringify(body);
  return {
    body: deepFreeze(body),
    json: Buffer.from(text),
    etag: `"${hashOfText(text)}"`,
    lastModified: new Date(),
  };
}

function memoise<T>(build: () => T): () => T {
  let cached: T | undefined;
  return () => (cached ??= build());
}

/** The served OpenAPI documents of an installed API, each built on first use and kept. */
export interface OpenAPIDocuments {
  /** `GET /openapi/v2`. */
  v2(): ServedDocument;
  /** `GET /openapi/v2` in protobuf: encoded once, from the served JSON document. */
  v2Protobuf(): ServedBytes;
  /** `GET /openapi/v3/apis/<group>/<version>`; undefined for a group version not installed. */
  v3(groupVersion: string): ServedDocument | undefined;
  /** The v3 document's `?hash=`: its ETag without the quotes. */
  v3Hash(groupVersion: string): string | undefined;
  /**
   * `GET /openapi/v3`: where each group version's document lives; `hashes` (by group version)
   * replaces the documents' own hashes.
   */
  v3Index(hashes?: Readonly<Record<string, string>>): ServedDocument;
}

function indexBody(hashes: Readonly<Record<string, string>>): JsonObject {
  const paths = Object.fromEntries(
    Object.entries(hashes).map(([gv, hash]) => [
      `apis/${gv}`,
      { serverRelativeURL: `/openapi/v3/apis/${gv}?hash=${hash}` },
    ]),
  );
  return { paths };
}

export function openAPIDocuments(api: InstalledAPI): OpenAPIDocuments {
  const byName = new Map(api.groupVersions.map((gv) => [groupVersionOf(gv), gv] as const));
  const v3Docs = new Map<string, ServedDocument>();
  const v3 = (groupVersion: string): ServedDocument | undefined => {
    const gv = byName.get(groupVersion);
    if (!gv) return undefined;
    let doc = v3Docs.get(groupVersion);
    if (!doc) v3Docs.set(groupVersion, (doc = serve(buildOpenAPIV3Document(gv))));
    return doc;
  };
  const v3Hash = (groupVersion: string) => v3(groupVersion)?.etag.slice(1, -1);
  const v2 = memoise(() => serve(buildOpenAPIV2Document(api.groupVersions)));
  const v2Protobuf = memoise((): ServedBytes => {
    const { body, etag, lastModified } = v2();
    return { bytes: encodeOpenAPIV2(body), etag, lastModified };
  });
  const currentHashes = () =>
    Object.fromEntries([...byName.keys()].map((gv) => [gv, v3Hash(gv) ?? ''] as const));
  const currentIndex = memoise(() => serve(indexBody(currentHashes())));
  return {
    v2,
    v2Protobuf,
    v3,
    v3Hash,
    v3Index: (hashes) =>
      hashes === undefined || isDeepStrictEqual(hashes, currentHashes())
        ? currentIndex()
        : serve(indexBody(hashes)),
  };
}
