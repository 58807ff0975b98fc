/**
 * Which form of `/openapi/v2` an Accept header gets, as kube-openapi's handler decides it
 * (pkg/handler/handler.go): clauses best first; within one, JSON before protobuf; parameters
 * are ignored; no Accept means `*\/*`, so JSON. Both protobuf media types — the `@v1.0` one
 * kubectl and client-go send, and the `.v1.0` one kube-openapi answers with — get protobuf.
 */
import { StatusError } from '../errors/status-error';
import { OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_DEPRECATED } from '../discovery/openapi-v2-protobuf';
import { JSON_MEDIA_TYPE, parseAccept } from './negotiation';

export type OpenAPIV2Form = 'json' | 'protobuf';

// `@` is not an RFC 9110 token character, so parseAccept would drop the deprecated media type;
// both name the same encoding, so the deprecated one is read as the current one.
const DEPRECATED_SUBTYPE = OPENAPI_V2_PROTOBUF_DEPRECATED.split('/')[1]!;
const PROTOBUF_SUBTYPE = OPENAPI_V2_PROTOBUF.split('/')[1]!;

const CANDIDATES: readonly [OpenAPIV2Form, string][] = [
  ['json', 'json'],
  ['protobuf', PROTOBUF_SUBTYPE],
];

/** Throws 406 NotAcceptable when neither form is acceptable. */
export function negotiateOpenAPIV2(accept: string | undefined): OpenAPIV2Form {
  const header = accept === undefined || accept.trim() === '' ? '*/*' : accept;
  const clauses = parseAccept(header.toLowerCase().split(DEPRECATED_SUBTYPE).join(PROTOBUF_SUBTYPE));
  for (const clause of clauses) {
    if (clause.type !== 'application' && clause.type !== '*') continue;
    for (const [form, subType] of CANDIDATES) {
      if (clause.subType === subType || clause.subType === '*') return form;
    }
  }
  throw StatusError.notAcceptable(header, [JSON_MEDIA_TYPE, OPENAPI_V2_PROTOBUF]);
}
