/**
 * Sends a document that does not change within a process with conditional-GET support, as
 * kube-openapi does through http.ServeContent: an ETag (the client's If-None-Match answers
 * 304), a Last-Modified (If-Modified-Since answers 304 when no If-None-Match is sent), and
 * `Vary: Accept`, since one URL serves several forms under one ETag.
 */
import type { Request, Response } from 'express';

export interface CachedDocument {
  bytes: Buffer;
  contentType: string;
  /** Quoted, e.g. `"0A1B…"`. */
  etag: string;
  lastModified?: Date;
}

/** RFC 9110 weak comparison of an If-None-Match list (or `*`) against our ETag. */
function etagMatches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  const strong = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === strong);
}

function notModifiedSince(req: Request, lastModified: Date | undefined): boolean {
  const since = req.get('if-modified-since');
  if (!since || !lastModified) return false;
  const sinceMs = Date.parse(since);
  // HTTP dates have whole seconds; a document built within the second counts as unmodified.
  return !Number.isNaN(sinceMs) && Math.floor(lastModified.getTime() / 1000) * 1000 <= sinceMs;
}

export function sendCachedDocument(req: Request, res: Response, doc: CachedDocument): void {
  res.setHeader('ETag', doc.etag);
  res.setHeader('Vary', 'Accept');
  if (doc.lastModified) res.setHeader('Last-Modified', doc.lastModified.toUTCString());
  const ifNoneMatch = req.get('if-none-match');
  const unchanged =
    ifNoneMatch !== undefined ? etagMatches(ifNoneMatch, doc.etag) : notModifiedSince(req, doc.lastModified);
  if (unchanged) {
    res.status(304).end();
    return;
  }
  res.status(200).setHeader('Content-Type', doc.contentType);
  // A Buffer keeps the Content-Type exact: client-go picks its parser from it.
  res.send(doc.bytes);
}
