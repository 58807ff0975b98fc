/** The API the server installs by default, for tests of what is derived from it. */
import { installKinds } from '../../src/apis/installed-api';
import type { InstalledAPI, InstalledGroupVersion } from '../../src/apis/installed-api';
import { REGISTERED_KINDS } from '../../src/apis/registered-kinds';
import type { GroupDescription, GroupVersionDescription } from '../../src/apis/resource-description';

export const INSTALLED: InstalledAPI = installKinds(REGISTERED_KINDS);

/** The default API's only group version (today's; tests of several use INSTALLED). */
export const SERVED_GROUP_VERSION: InstalledGroupVersion = INSTALLED.groupVersions[0]!;

/** A group serving just `gv`, for discovery documents of one changed description. */
export function groupsOf(gv: GroupVersionDescription): GroupDescription[] {
  return [{ name: gv.group, versions: [gv] }];
}
