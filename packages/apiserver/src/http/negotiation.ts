/**
 * Content negotiation: which form a response takes (from the Accept header) and which format a
 * request body is in (from its Content-Type). Pure functions over header strings, following
 * k8s.io/apiserver pkg/endpoints/handlers/negotiation: Accept clauses are tried best first
 * (q value, then specificity); a clause whose parameters ask for something this endpoint cannot
 * produce (protobuf, an unknown `as=`/`g=`/`v=`) is skipped rather than failing the request, and
 * 406 comes only when no clause is left.
 */
import { StatusError } from '../errors/status-error';

export type OutputFormat = 'json' | 'yaml';

/** What the response body should be. */
export type OutputKind =
  | 'object' // the resource itself (the kind / its list / Status / legacy discovery documents)
  | 'Table' // meta.k8s.io Table (kubectl get)
  | 'PartialObjectMetadata'
  | 'PartialObjectMetadataList'
  | 'APIGroupDiscoveryList'; // aggregated discovery

export interface ResponseForm {
  kind: OutputKind;
  format: OutputFormat;
  /** Exact Content-Type to answer with, e.g. 'application/json',
   *  'application/json;as=Table;v=v1;g=meta.k8s.io',
   *  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'. */
  contentType: string;
  /** For Table / PartialObjectMetadata*: 'v1' or 'v1beta1' (meta.k8s.io); for discovery: 'v2' or 'v2beta1'. */
  version?: string;
}

export interface NegotiateOptions {
  /** Resource GET/list/watch endpoints can answer a Table. */
  table?: boolean;
  /** PartialObjectMetadata for a single-object GET (or a watch), PartialObjectMetadataList for a list. */
  metadata?: 'single' | 'list';
  /** Only /apis and /api: aggregated discovery. */
  discovery?: boolean;
  /** Default true; watch streams pass false (we stream JSON only). */
  yaml?: boolean;
}

export const JSON_MEDIA_TYPE = 'application/json';
export const YAML_MEDIA_TYPE = 'application/yaml';

const META_GROUP = 'meta.k8s.io';
const META_VERSIONS: readonly string[] = ['v1', 'v1beta1'];
const DISCOVERY_GROUP = 'apidiscovery.k8s.io';
const DISCOVERY_VERSIONS: readonly string[] = ['v2', 'v2beta1'];

/** One media range of an Accept header: lower-cased type and subtype, parameter names lower-cased. */
export interface AcceptClause {
  type: string;
  subType: string;
  q: number;
  params: ReadonlyMap<string, string>;
}

// RFC 9110 token characters, so that garbage such as `foo bar/baz` never parses as a media range.
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const QVALUE = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/;

/**
 * Parses an Accept header into clauses, best first: higher q, then `type/sub` before `type/*`
 * before `*\/*`, then header order (the sort is stable). Unparseable entries, entries with a
 * malformed q and entries with q=0 ("not acceptable", RFC 9110) are dropped.
 */
export function parseAccept(header: string): AcceptClause[] {
  const clauses: AcceptClause[] = [];
  for (const entry of header.split(',')) {
    const clause = parseClause(entry);
    if (clause && clause.q > 0) clauses.push(clause);
  }
  return clauses.sort((a, b) => b.q - a.q || specificity(b) - specificity(a));
}

function parseClause(entry: string): AcceptClause | undefined {
  const [range = '', ...rawParams] = entry.split(';');
  const mediaRange = range.trim().toLowerCase();
  // `*` alone is what some clients (Java's URLConnection) send for `*/*`.
  const [type = '', subType, ...rest] = (mediaRange === '*' ? '*/*' : mediaRange).split('/');
  if (subType === undefined || rest.length > 0 || !TOKEN.test(type) || !TOKEN.test(subType)) return undefined;
  if (type === '*' && subType !== '*') return undefined;

  const params = new Map<string, string>();
  let q = 1;
  for (const raw of rawParams) {
    const eq = raw.indexOf('=');
    if (eq < 0) continue; // a bare token is not a parameter; ignore it as goautoneg does
    const name = raw.slice(0, eq).trim().toLowerCase();
    const value = unquote(raw.slice(eq + 1).trim());
    if (name !== 'q') {
      params.set(name, value);
      continue;
    }
    if (!QVALUE.test(value)) return undefined;
    q = Number(value);
  }
  return { type, subType, q, params };
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function specificity(clause: AcceptClause): number {
  if (clause.type === '*') return 0;
  return clause.subType === '*' ? 1 : 2;
}

/** The base formats a clause's media range covers, in the server's order of preference. */
function formatsMatching(clause: AcceptClause, options: NegotiateOptions): OutputFormat[] {
  const yaml = options.yaml !== false;
  if (clause.type === '*' || (clause.type === 'application' && clause.subType === '*')) {
    return yaml ? ['json', 'yaml'] : ['json'];
  }
  if (clause.type !== 'application') return [];
  if (clause.subType === 'json') return ['json'];
  if (clause.subType === 'yaml' && yaml) return ['yaml'];
  return []; // protobuf, cbor, x-yaml, …: not served
}

/** The form a clause asks for in one format, or undefined when this endpoint cannot produce it. */
function formFor(
  format: OutputFormat,
  params: ReadonlyMap<string, string>,
  options: NegotiateOptions,
): ResponseForm | undefined {
  const stream = params.get('stream');
  // Only JSON has a streaming form (k8s: the serializer must have a StreamSerializer).
  if (stream && (stream !== 'watch' || format !== 'json')) return undefined;

  const as = params.get('as');
  const group = params.get('g');
  const version = params.get('v');
  if (as === undefined && group === undefined && version === undefined) {
    return { kind: 'object', format, contentType: format === 'json' ? JSON_MEDIA_TYPE : YAML_MEDIA_TYPE };
  }
  // Conversions are answered in JSON only (k8s would also allow YAML for Table; no client asks).
  if (format !== 'json' || as === undefined || version === undefined) return undefined;
  if (group === META_GROUP && META_VERSIONS.includes(version) && metaKindAllowed(as, options)) {
    return {
      kind: as,
      format,
      contentType: `${JSON_MEDIA_TYPE};as=${as};v=${version};g=${META_GROUP}`,
      version,
    };
  }
  if (
    group === DISCOVERY_GROUP &&
    DISCOVERY_VERSIONS.includes(version) &&
    as === 'APIGroupDiscoveryList' &&
    options.discovery === true
  ) {
    // client-go picks its discovery parser from these Content-Type parameters alone.
    const contentType = `${JSON_MEDIA_TYPE};g=${DISCOVERY_GROUP};v=${version};as=${as}`;
    return { kind: as, format, contentType, version };
  }
  return undefined;
}

function metaKindAllowed(
  as: string,
  options: NegotiateOptions,
): as is 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList' {
  switch (as) {
    case 'Table':
      return options.table === true;
    case 'PartialObjectMetadata':
      return options.metadata === 'single';
    case 'PartialObjectMetadataList':
      return options.metadata === 'list';
    default:
      return false;
  }
}

/** The media types named in a 406, as Kubernetes lists its serializers. */
function supportedMediaTypes(options: NegotiateOptions): string[] {
  return options.yaml === false ? [JSON_MEDIA_TYPE] : [JSON_MEDIA_TYPE, YAML_MEDIA_TYPE];
}

/**
 * Picks the response form from an Accept header (undefined/empty/`*\/*` → plain JSON).
 * Throws StatusError.notAcceptable when nothing acceptable can be produced.
 */
export function negotiateResponse(accept: string | undefined, options: NegotiateOptions): ResponseForm {
  if (accept === undefined || accept.trim() === '') {
    return { kind: 'object', format: 'json', contentType: JSON_MEDIA_TYPE };
  }
  for (const clause of parseAccept(accept)) {
    for (const format of formatsMatching(clause, options)) {
      const form = formFor(format, clause.params, options);
      if (form) return form;
    }
  }
  // A 406 on a metadata request blocks namespace deletion cluster-wide: reached only when no
  // clause (not even a trailing plain `application/json`) can be served.
  throw StatusError.notAcceptable(accept, supportedMediaTypes(options));
}

export type BodyFormat =
  'json' | 'yaml' | 'json-patch' | 'merge-patch' | 'strategic-merge-patch' | 'apply-patch';

/** The media type of each body format, as clients send it. */
export const BODY_MEDIA_TYPES: Readonly<Record<BodyFormat, string>> = {
  json: JSON_MEDIA_TYPE,
  yaml: YAML_MEDIA_TYPE,
  'json-patch': 'application/json-patch+json',
  'merge-patch': 'application/merge-patch+json',
  'strategic-merge-patch': 'application/strategic-merge-patch+json',
  'apply-patch': 'application/apply-patch+yaml',
};

const FORMAT_BY_MEDIA_TYPE: ReadonlyMap<string, BodyFormat> = new Map(
  (Object.entries(BODY_MEDIA_TYPES) as Array<[BodyFormat, string]>).map(([format, type]) => [type, format]),
);

/**
 * Classifies a request body's Content-Type. `allowed` lists what the endpoint takes.
 * Missing Content-Type → 'json' when 'json' is allowed (kubectl scale --current-replicas sends a
 * PUT without one). Parameters such as `; charset=utf-8` are ignored, as the k8s patch handler
 * does. Anything else → StatusError.unsupportedMediaType (415).
 */
export function bodyFormat(contentType: string | undefined, allowed: readonly BodyFormat[]): BodyFormat {
  const header = contentType?.trim() ?? '';
  const mediaType = header.split(';')[0]?.trim().toLowerCase() ?? '';
  const format = header === '' ? 'json' : FORMAT_BY_MEDIA_TYPE.get(mediaType);
  if (format !== undefined && allowed.includes(format)) return format;
  throw StatusError.unsupportedMediaType(
    contentType ?? '',
    allowed.map((f) => BODY_MEDIA_TYPES[f]),
  );
}

/** How many distinct Accept headers a negotiator remembers (clients send a handful). */
const REMEMBERED_ACCEPTS = 64;

/**
 * negotiateResponse for one endpoint's options, remembering its answer per Accept header: the
 * same few headers arrive on every request, and parsing them was a visible share of a GET. The
 * forms handed out are shared, so they are frozen. A refused header is parsed (and refused) again
 * each time.
 */
export function negotiator(options: NegotiateOptions): (accept: string | undefined) => ResponseForm {
  const known = new Map<string | undefined, ResponseForm>();
  return (accept) => {
    let form = known.get(accept);
    if (!form) {
      form = Object.freeze(negotiateResponse(accept, options));
      if (known.size >= REMEMBERED_ACCEPTS) known.clear();
      known.set(accept, form);
    }
    return form;
  };
}
