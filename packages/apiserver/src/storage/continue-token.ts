/**
 * List continuation tokens: the revision the first page was served at and the last key
 * returned. Opaque to clients (base64 JSON, like Kubernetes' own).
 */
import { InvalidKeyError } from './errors';

export interface ContinueToken {
  /** The revision every page of this listing is served at. */
  rev: number;
  /** The last object id returned; the next page starts after it. */
  start: string;
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 1, rv: token.rev, start: token.start })).toString('base64url');
}

export function decodeContinue(value: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (parsed.v === 1 && Number.isSafeInteger(parsed.rv) && typeof parsed.start === 'string') {
      return { rev: parsed.rv as number, start: parsed.start };
    }
  } catch {
    // fall through: any malformed token is the same client error
  }
  throw new InvalidKeyError('continue key is not valid: malformed token');
}
