/**
 * Who made a request, as every authenticator reports it (k8s.io/apiserver user.Info), plus the
 * well-known system names and the "authenticated users are in system:authenticated" rule.
 */

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export const ALL_AUTHENTICATED = 'system:authenticated';
export const ALL_UNAUTHENTICATED = 'system:unauthenticated';
export const ANONYMOUS = 'system:anonymous';

/** The user k8s' anonymous authenticator reports for a request without credentials. */
export function anonymousUser(): UserInfo {
  return { name: ANONYMOUS, groups: [ALL_UNAUTHENTICATED] };
}

/**
 * Adds system:authenticated like k8s' AuthenticatedGroupAdder: not to the anonymous user, and not
 * when the user already carries either of the all-users groups.
 */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.name === ANONYMOUS) return user;
  if (user.groups.some((g) => g === ALL_AUTHENTICATED || g === ALL_UNAUTHENTICATED)) return user;
  return { ...user, groups: [...user.groups, ALL_AUTHENTICATED] };
}
