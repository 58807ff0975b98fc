/**
 * A write's options as the registry takes them: the query's (dryRun, fieldValidation,
 * fieldManager), the User-Agent that names the default field manager, and the authenticated user
 * admission is told about. PATCH and apply say so, since admission shows them as PatchOptions.
 */
import type { UserInfo } from '../auth/user';
import type { WriteOptions } from '../registry/store';
import { header, requestQuery } from './exchange';
import type { ApiRequest, ApiResponse } from './exchange';
import { admissionAnnotationSink } from './audit-requests';
import { parseWriteOptions } from './query';

export function writeOptionsOf(
  req: ApiRequest,
  res: ApiResponse,
  extra: Partial<Pick<WriteOptions, 'duplicateFields' | 'optionsKind' | 'force'>> = {},
): WriteOptions {
  return {
    ...parseWriteOptions(requestQuery(req)),
    userAgent: header(req, 'user-agent'),
    user: res.locals.user as UserInfo | undefined,
    auditAnnotations: admissionAnnotationSink(res),
    ...extra,
  };
}
