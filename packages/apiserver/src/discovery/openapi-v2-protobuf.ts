/**
 * `/openapi/v2` in protobuf: the Swagger 2.0 document as gnostic's `openapi.v2.Document`,
 * encoded with protobufjs from the descriptor of gnostic's OpenAPIv2.proto (gnostic/README.md).
 * kube-openapi's handler serves it under the same ETag as the JSON (the response varies on
 * Accept), so a client that has one form never re-downloads it as the other.
 */
import type { INamespace, Type } from 'protobufjs';
import { Root } from 'protobufjs';
import descriptor from './gnostic/openapiv2.descriptor.json';
import { gnosticDocument } from './openapi-v2-gnostic';

/** What kubectl and client-go ask for; kube-openapi still accepts it. */
export const OPENAPI_V2_PROTOBUF_DEPRECATED = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/** What kube-openapi answers with, whichever of the two was asked for. */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

let documentType: Type | undefined;

/** gnostic's `openapi.v2.Document` message type (built once: protobufjs generates its codecs). */
export function gnosticDocumentType(): Type {
  return (documentType ??= Root.fromJSON(descriptor as INamespace).lookupType('openapi.v2.Document'));
}

/** Encodes a Swagger 2.0 document; throws if it has anything the message cannot carry. */
export function encodeOpenAPIV2(doc: Record<string, unknown>): Buffer {
  const type = gnosticDocumentType();
  const message = gnosticDocument(doc);
  const invalid = type.verify(message);
  if (invalid) throw new Error(`OpenAPI v2 to protobuf: ${invalid}`);
  return Buffer.from(type.encode(type.fromObject(message)).finish());
}
