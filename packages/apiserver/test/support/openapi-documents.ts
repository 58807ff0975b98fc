/**
 * The OpenAPI documents of the default installed API, under the names the discovery tests use:
 * one group version's v3 document, the v2 document of all of them.
 */
import {
  buildOpenAPIV2Document as buildV2,
  buildOpenAPIV3Document as buildV3,
} from '../../src/discovery/openapi-document';
import type { JsonDocument } from '../../src/discovery/openapi-document';
import { openAPIDocuments } from '../../src/discovery/openapi-served-documents';
import type { ServedBytes, ServedDocument } from '../../src/discovery/openapi-served-documents';
import type { InstalledGroupVersion } from '../../src/apis/installed-api';
import { groupVersionOf } from '../../src/apis/resource-description';
import { INSTALLED, SERVED_GROUP_VERSION } from './installed-api';

const documents = openAPIDocuments(INSTALLED);
const GROUP_VERSION = groupVersionOf(SERVED_GROUP_VERSION);

export const openAPIV2Document = (): ServedDocument => documents.v2();
export const openAPIV2Protobuf = (): ServedBytes => documents.v2Protobuf();
export const openAPIV3Document = (): ServedDocument => documents.v3(GROUP_VERSION)!;
export const openAPIV3Hash = (): string => documents.v3Hash(GROUP_VERSION)!;
export const openAPIV3Index = (hash?: string): ServedDocument =>
  documents.v3Index(hash === undefined ? undefined : { [GROUP_VERSION]: hash });
export const buildOpenAPIV3Document = (gv: InstalledGroupVersion = SERVED_GROUP_VERSION): JsonDocument =>
  buildV3(gv);
export const buildOpenAPIV2Document = (
  gvs: readonly InstalledGroupVersion[] = INSTALLED.groupVersions,
): JsonDocument => buildV2(gvs);
