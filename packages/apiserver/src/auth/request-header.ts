/**
 * The front proxy's identity headers, read as k8s' requestheader authenticator reads them: the
 * user from the first configured username header that has a value, groups from every value of
 * every group header (never split on commas), extra from `<prefix><key>` headers with the key
 * lower-cased and percent-decoded. Only call this for a request whose client certificate was
 * verified against the request-header CA (see authentication-chain.ts).
 */
import type { UserInfo } from './user';
import { withAuthenticatedGroup } from './user';

export interface RequestHeaderNames {
  usernameHeaders: readonly string[];
  groupHeaders: readonly string[];
  extraHeaderPrefixes: readonly string[];
}

/** Node's `headersDistinct`: lower-case names, every occurrence of a header as its own value. */
export type DistinctHeaders = Record<string, string[] | undefined>;

/** The user the headers name, or undefined when no username header has a value. */
export function userFromRequestHeaders(
  headers: DistinctHeaders,
  names: RequestHeaderNames,
): UserInfo | undefined {
  const name = firstValue(headers, names.usernameHeaders);
  if (name === undefined) return undefined;
  const groups = names.groupHeaders.flatMap((header) => nonEmpty(headers[key(header)]));
  const extra = extraFrom(headers, names.extraHeaderPrefixes);
  const user: UserInfo = { name, groups };
  if (Object.keys(extra).length > 0) user.extra = extra;
  return withAuthenticatedGroup(user);
}

/** Every header name the front proxy speaks through, so they can be removed once read. */
export function isIdentityHeader(header: string, names: RequestHeaderNames): boolean {
  return identityHeaderMatcher(names)(header);
}

/** isIdentityHeader with the names normalised once, for checking every header of every request. */
export function identityHeaderMatcher(names: RequestHeaderNames): (header: string) => boolean {
  const exact = new Set([...names.usernameHeaders, ...names.groupHeaders].map(key));
  const prefixes = names.extraHeaderPrefixes.map(key).filter((prefix) => prefix !== '');
  return (header) => {
    const lower = header.toLowerCase();
    return exact.has(lower) || prefixes.some((prefix) => lower.startsWith(prefix));
  };
}

const key = (header: string): string => header.trim().toLowerCase();

const nonEmpty = (values: string[] | undefined): string[] => (values ?? []).filter((v) => v !== '');

function firstValue(headers: DistinctHeaders, names: readonly string[]): string | undefined {
  for (const name of names) {
    if (key(name) === '') continue;
    // As Go's Header.Get: the first occurrence only, even when it is empty.
    const value = headers[key(name)]?.[0];
    if (value) return value;
  }
  return undefined;
}

function extraFrom(headers: DistinctHeaders, prefixes: readonly string[]): Record<string, string[]> {
  const extra: Record<string, string[]> = {};
  for (const [header, values] of Object.entries(headers)) {
    for (const prefix of prefixes.map(key)) {
      if (prefix === '' || !header.startsWith(prefix)) continue;
      const extraKey = unescapeExtraKey(header.slice(prefix.length));
      extra[extraKey] = [...(extra[extraKey] ?? []), ...(values ?? [])];
    }
  }
  return extra;
}

/** Extra keys may carry characters headers cannot (e.g. `/`), percent-encoded by the proxy. */
function unescapeExtraKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}
