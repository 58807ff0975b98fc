/** Content negotiation: response forms picked from Accept headers and body formats from Content-Type. */
import { StatusError } from '../../src/errors/status-error';
import { bodyFormat, negotiateResponse, negotiator, parseAccept } from '../../src/http/negotiation';
import type { BodyFormat, NegotiateOptions } from '../../src/http/negotiation';

const KUBECTL_GET =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const METADATA_LIST =
  'application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,' +
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
const METADATA_SINGLE =
  'application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,' +
  'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';
const KUBECTL_DISCOVERY =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,' +
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

const RESOURCE: NegotiateOptions = { table: true };
const LIST: NegotiateOptions = { table: true, metadata: 'list' };
const GET: NegotiateOptions = { table: true, metadata: 'single' };
const DISCOVERY: NegotiateOptions = { discovery: true };

const PLAIN_JSON = { kind: 'object', format: 'json', contentType: 'application/json' };
const PLAIN_YAML = { kind: 'object', format: 'yaml', contentType: 'application/yaml' };
const TABLE_V1 = {
  kind: 'Table',
  format: 'json',
  contentType: 'application/json;as=Table;v=v1;g=meta.k8s.io',
  version: 'v1',
};

/** Runs `fn`, expecting a StatusError, and returns it for assertions. */
function statusErrorFrom(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected a StatusError, but nothing was thrown');
}

describe('negotiateResponse', () => {
  describe('plain JSON and YAML', () => {
    it.each([
      ['no Accept header', undefined],
      ['an empty Accept header', ''],
      ['a whitespace-only Accept header', '   '],
      ['*/*', '*/*'],
      ['a bare *', '*'],
      ['application/*', 'application/*'],
      ['application/json', 'application/json'],
      ['upper-case APPLICATION/JSON', 'APPLICATION/JSON'],
      ['application/json with a charset', 'application/json; charset=utf-8'],
      ['application/json;stream=watch', 'application/json;stream=watch'],
      ['application/json;pretty=1', 'application/json;pretty=1'],
    ])('answers plain JSON to %s', (_name, accept) => {
      expect(negotiateResponse(accept, RESOURCE)).toEqual(PLAIN_JSON);
    });

    it('answers YAML to application/yaml', () => {
      expect(negotiateResponse('application/yaml', RESOURCE)).toEqual(PLAIN_YAML);
    });

    it('prefers JSON for wildcards even though YAML is also served', () => {
      expect(negotiateResponse('application/*', { yaml: true })).toEqual(PLAIN_JSON);
    });

    it('answers YAML when YAML is listed before JSON', () => {
      expect(negotiateResponse('application/yaml, application/json', RESOURCE)).toEqual(PLAIN_YAML);
    });

    it('rejects application/yaml with 406 when the endpoint streams JSON only', () => {
      const err = statusErrorFrom(() => negotiateResponse('application/yaml', { yaml: false }));
      expect(err.code).toBe(406);
      expect(err.reason).toBe('NotAcceptable');
      expect(err.message).toContain('"application/yaml"');
      expect(err.message).toContain('supported: application/json');
      expect(err.message).not.toMatch(/supported:.*application\/yaml/);
    });

    it('falls back to JSON after an unservable YAML entry on a JSON-only endpoint', () => {
      expect(negotiateResponse('application/yaml,application/json', { yaml: false })).toEqual(PLAIN_JSON);
    });

    it('does not serve application/x-yaml, which Kubernetes does not serve either', () => {
      expect(statusErrorFrom(() => negotiateResponse('application/x-yaml', RESOURCE)).code).toBe(406);
    });

    it('skips a YAML watch stream, which only JSON has', () => {
      expect(statusErrorFrom(() => negotiateResponse('application/yaml;stream=watch', RESOURCE)).code).toBe(
        406,
      );
    });

    it('skips an unknown stream kind', () => {
      expect(negotiateResponse('application/json;stream=chunks,application/yaml', RESOURCE)).toEqual(
        PLAIN_YAML,
      );
    });
  });

  describe('Table (kubectl get)', () => {
    it('answers Table v1 to kubectl get when the endpoint can produce a Table', () => {
      expect(negotiateResponse(KUBECTL_GET, RESOURCE)).toEqual(TABLE_V1);
    });

    it("answers kubectl get's plain JSON fallback when the endpoint has no Table", () => {
      expect(negotiateResponse(KUBECTL_GET, {})).toEqual(PLAIN_JSON);
    });

    it('answers Table v1beta1 when that is the version asked first', () => {
      const accept =
        'application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json;as=Table;v=v1;g=meta.k8s.io';
      expect(negotiateResponse(accept, RESOURCE)).toEqual({
        kind: 'Table',
        format: 'json',
        contentType: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io',
        version: 'v1beta1',
      });
    });

    it('skips a Table of an unknown version and falls through to plain JSON', () => {
      expect(
        negotiateResponse('application/json;as=Table;v=v2;g=meta.k8s.io,application/json', RESOURCE),
      ).toEqual(PLAIN_JSON);
    });

    it('skips a Table of an unknown group', () => {
      const accept = 'application/json;as=Table;v=v1;g=example.com';
      expect(statusErrorFrom(() => negotiateResponse(accept, RESOURCE)).code).toBe(406);
    });

    it.each([
      ['without g and v', 'application/json;as=Table'],
      ['without v', 'application/json;as=Table;g=meta.k8s.io'],
      ['with g and v but no as', 'application/json;g=meta.k8s.io;v=v1'],
      ['of an unknown kind', 'application/json;as=Chart;g=meta.k8s.io;v=v1'],
      ['with a lower-case kind (kinds are case-sensitive)', 'application/json;as=table;g=meta.k8s.io;v=v1'],
    ])('skips a conversion %s', (_name, accept) => {
      expect(statusErrorFrom(() => negotiateResponse(accept, RESOURCE)).code).toBe(406);
      expect(negotiateResponse(`${accept},application/yaml`, RESOURCE)).toEqual(PLAIN_YAML);
    });

    it('answers a Table in JSON only, skipping application/yaml;as=Table', () => {
      const accept = 'application/yaml;as=Table;v=v1;g=meta.k8s.io,application/yaml';
      expect(negotiateResponse(accept, RESOURCE)).toEqual(PLAIN_YAML);
    });

    it('answers a Table to a wildcard media range carrying the Table parameters', () => {
      expect(negotiateResponse('*/*;as=Table;v=v1;g=meta.k8s.io', RESOURCE)).toEqual(TABLE_V1);
    });

    it('reads parameter names case-insensitively and ignores whitespace around them', () => {
      const accept = ' Application/JSON ; AS = Table ;V=v1;  G= meta.k8s.io , application/json';
      expect(negotiateResponse(accept, RESOURCE)).toEqual(TABLE_V1);
    });

    it('accepts quoted parameter values', () => {
      expect(negotiateResponse('application/json;as="Table";v="v1";g="meta.k8s.io"', RESOURCE)).toEqual(
        TABLE_V1,
      );
    });

    it('answers a Table for a watch asking for a Table stream', () => {
      expect(
        negotiateResponse('application/json;stream=watch;as=Table;v=v1;g=meta.k8s.io', RESOURCE),
      ).toEqual(TABLE_V1);
    });
  });

  describe('metadata-only (the garbage collector and namespace controller)', () => {
    it('answers PartialObjectMetadataList in JSON on a list, skipping the protobuf entry', () => {
      expect(negotiateResponse(METADATA_LIST, LIST)).toEqual({
        kind: 'PartialObjectMetadataList',
        format: 'json',
        contentType: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
        version: 'v1',
      });
    });

    it('answers PartialObjectMetadata in JSON on a single-object GET', () => {
      expect(negotiateResponse(METADATA_SINGLE, GET)).toEqual({
        kind: 'PartialObjectMetadata',
        format: 'json',
        contentType: 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io',
        version: 'v1',
      });
    });

    it('answers meta.k8s.io/v1beta1 metadata when asked', () => {
      const accept = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1';
      expect(negotiateResponse(accept, GET)).toMatchObject({
        kind: 'PartialObjectMetadata',
        version: 'v1beta1',
      });
    });

    it('falls through to plain JSON when a list is asked of a single-object endpoint', () => {
      expect(negotiateResponse(METADATA_LIST, GET)).toEqual(PLAIN_JSON);
    });

    it('falls through to plain JSON when a single object is asked of a list endpoint', () => {
      expect(negotiateResponse(METADATA_SINGLE, LIST)).toEqual(PLAIN_JSON);
    });

    it('falls through to plain JSON when the endpoint serves no metadata form', () => {
      expect(negotiateResponse(METADATA_LIST, RESOURCE)).toEqual(PLAIN_JSON);
    });

    it('rejects with 406 when only an unservable metadata form is listed', () => {
      const accept = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
      expect(statusErrorFrom(() => negotiateResponse(accept, GET)).code).toBe(406);
    });
  });

  describe('aggregated discovery', () => {
    it('answers APIGroupDiscoveryList v2 to kubectl on /apis', () => {
      expect(negotiateResponse(KUBECTL_DISCOVERY, DISCOVERY)).toEqual({
        kind: 'APIGroupDiscoveryList',
        format: 'json',
        contentType: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
        version: 'v2',
      });
    });

    it('answers v2beta1 with a content type naming v2beta1 when only that is asked', () => {
      const accept =
        'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
      expect(negotiateResponse(accept, DISCOVERY)).toEqual({
        kind: 'APIGroupDiscoveryList',
        format: 'json',
        contentType: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
        version: 'v2beta1',
      });
    });

    it('answers the legacy document (plain JSON) to a client that does not ask for the aggregated form', () => {
      expect(negotiateResponse('application/json, */*', DISCOVERY)).toEqual(PLAIN_JSON);
    });

    it('never answers aggregated discovery on a resource endpoint', () => {
      expect(negotiateResponse(KUBECTL_DISCOVERY, RESOURCE)).toEqual(PLAIN_JSON);
    });

    it('skips an unknown discovery version', () => {
      const accept = 'application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList';
      expect(statusErrorFrom(() => negotiateResponse(accept, DISCOVERY)).code).toBe(406);
    });

    it('skips a discovery kind under the meta group and a Table under the discovery group', () => {
      const accept =
        'application/json;g=meta.k8s.io;v=v1;as=APIGroupDiscoveryList,' +
        'application/json;g=apidiscovery.k8s.io;v=v2;as=Table';
      expect(statusErrorFrom(() => negotiateResponse(accept, { discovery: true, table: true })).code).toBe(
        406,
      );
    });
  });

  describe('protobuf and other unserved types', () => {
    it('answers JSON when protobuf is listed first and JSON after it', () => {
      expect(negotiateResponse('application/vnd.kubernetes.protobuf, application/json', RESOURCE)).toEqual(
        PLAIN_JSON,
      );
    });

    it('rejects with 406 when only protobuf is listed, naming the header and the served types', () => {
      const err = statusErrorFrom(() => negotiateResponse('application/vnd.kubernetes.protobuf', RESOURCE));
      expect(err.code).toBe(406);
      expect(err.toStatus()).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'NotAcceptable',
        code: 406,
      });
      expect(err.message).toContain('"application/vnd.kubernetes.protobuf"');
      expect(err.message).toContain('supported: application/json, application/yaml');
    });

    it.each([
      ['text/html', 'text/html'],
      ['application/cbor', 'application/cbor'],
      ['application/apply-patch+yaml', 'application/apply-patch+yaml'],
      ['a */json range (not a valid wildcard)', '*/json'],
    ])('rejects %s with 406', (_name, accept) => {
      expect(statusErrorFrom(() => negotiateResponse(accept, RESOURCE)).code).toBe(406);
    });
  });

  describe('preference by q value and specificity', () => {
    it('prefers the higher q value over header order', () => {
      expect(negotiateResponse('application/json;q=0.5, application/yaml', RESOURCE)).toEqual(PLAIN_YAML);
    });

    it('prefers a Table with the higher q value even when listed last', () => {
      const accept = 'application/json;q=0.9,application/json;as=Table;v=v1;g=meta.k8s.io';
      expect(negotiateResponse(accept, RESOURCE)).toEqual(TABLE_V1);
    });

    it('keeps header order between entries of equal q', () => {
      expect(negotiateResponse('application/yaml;q=0.8, application/json;q=0.8', RESOURCE)).toEqual(
        PLAIN_YAML,
      );
    });

    it('prefers a specific type over a wildcard of the same q', () => {
      expect(negotiateResponse('*/*, application/yaml', RESOURCE)).toEqual(PLAIN_YAML);
      expect(negotiateResponse('application/*, application/yaml', RESOURCE)).toEqual(PLAIN_YAML);
    });

    it('treats q=0 as "not acceptable"', () => {
      expect(statusErrorFrom(() => negotiateResponse('application/json;q=0', RESOURCE)).code).toBe(406);
      expect(negotiateResponse('application/json;q=0, application/yaml;q=0.1', RESOURCE)).toEqual(PLAIN_YAML);
    });

    it('drops an entry with a malformed q value', () => {
      expect(negotiateResponse('application/yaml;q=high, application/json;q=0.2', RESOURCE)).toEqual(
        PLAIN_JSON,
      );
      expect(negotiateResponse('application/yaml;q=1.5, application/json;q=0.2', RESOURCE)).toEqual(
        PLAIN_JSON,
      );
    });
  });

  describe('malformed headers', () => {
    it.each([
      ['plain garbage', 'garbage'],
      ['a lone comma', ','],
      ['an empty media range with parameters', ';as=Table'],
      ['a media range with two slashes', 'application/json/x'],
      ['a media range with an empty subtype', 'application/'],
      ['a media range with spaces inside', 'application/js on'],
    ])('rejects %s with 406', (_name, accept) => {
      const err = statusErrorFrom(() => negotiateResponse(accept, RESOURCE));
      expect(err.code).toBe(406);
      expect(err.message).toContain(`"${accept}"`);
    });

    it('ignores garbage entries next to a good one', () => {
      expect(negotiateResponse('garbage, ,;;, application/yaml', RESOURCE)).toEqual(PLAIN_YAML);
    });

    it('ignores a parameter without a value', () => {
      expect(negotiateResponse('application/json;pretty;as=Table;v=v1;g=meta.k8s.io', RESOURCE)).toEqual(
        TABLE_V1,
      );
    });
  });
});

describe('negotiator', () => {
  it('answers each Accept header as negotiateResponse does, also after remembering it', () => {
    const negotiate = negotiator(GET);
    for (let round = 0; round < 2; round++) {
      expect(negotiate(KUBECTL_GET)).toEqual(TABLE_V1);
      expect(negotiate('application/yaml')).toEqual(PLAIN_YAML);
      expect(negotiate(undefined)).toEqual(PLAIN_JSON);
      expect(negotiate(METADATA_SINGLE)).toEqual(negotiateResponse(METADATA_SINGLE, GET));
    }
  });

  it('hands out the remembered form frozen, so no request can change it for the next', () => {
    const negotiate = negotiator(GET);
    const first = negotiate(KUBECTL_GET);
    expect(negotiate(KUBECTL_GET)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('refuses an unservable Accept header every time (refusals are not remembered as forms)', () => {
    const negotiate = negotiator(LIST);
    const accept = 'application/vnd.kubernetes.protobuf';
    expect(statusErrorFrom(() => negotiate(accept)).code).toBe(406);
    expect(statusErrorFrom(() => negotiate(accept)).code).toBe(406);
  });

  it('keeps its options apart: the same header gives each endpoint its own form', () => {
    expect(negotiator(GET)(KUBECTL_DISCOVERY)).toEqual(PLAIN_JSON);
    expect(negotiator(DISCOVERY)(KUBECTL_DISCOVERY)).toEqual(negotiateResponse(KUBECTL_DISCOVERY, DISCOVERY));
  });
});

describe('parseAccept', () => {
  it('orders clauses by q, then specificity, then header order', () => {
    const clauses = parseAccept(
      '*/*;q=0.9, text/*;q=0.9, application/yaml;q=0.5, text/plain;q=0.9, application/json',
    );
    expect(clauses.map((c) => `${c.type}/${c.subType};q=${c.q}`)).toEqual([
      'application/json;q=1',
      'text/plain;q=0.9',
      'text/*;q=0.9',
      '*/*;q=0.9',
      'application/yaml;q=0.5',
    ]);
  });

  it('lower-cases types and parameter names but keeps parameter values', () => {
    const [clause] = parseAccept('Application/JSON;AS=Table;G=meta.k8s.io');
    expect(clause?.type).toBe('application');
    expect(clause?.subType).toBe('json');
    expect([...(clause?.params ?? [])]).toEqual([
      ['as', 'Table'],
      ['g', 'meta.k8s.io'],
    ]);
  });
});

describe('bodyFormat', () => {
  const ALL: readonly BodyFormat[] = [
    'json',
    'yaml',
    'json-patch',
    'merge-patch',
    'strategic-merge-patch',
    'apply-patch',
  ];
  const CREATE: readonly BodyFormat[] = ['json', 'yaml'];
  const PATCH: readonly BodyFormat[] = ['json-patch', 'merge-patch', 'apply-patch'];

  it.each<[string, BodyFormat]>([
    ['application/json', 'json'],
    ['application/yaml', 'yaml'],
    ['application/json-patch+json', 'json-patch'],
    ['application/merge-patch+json', 'merge-patch'],
    ['application/strategic-merge-patch+json', 'strategic-merge-patch'],
    ['application/apply-patch+yaml', 'apply-patch'],
  ])('classifies %s as %s', (contentType, format) => {
    expect(bodyFormat(contentType, ALL)).toBe(format);
  });

  it('treats a missing Content-Type as JSON where JSON is taken (kubectl scale --current-replicas)', () => {
    expect(bodyFormat(undefined, CREATE)).toBe('json');
    expect(bodyFormat('', CREATE)).toBe('json');
    expect(bodyFormat('  ', CREATE)).toBe('json');
  });

  it('ignores parameters, case and whitespace', () => {
    expect(bodyFormat('application/json; charset=utf-8', CREATE)).toBe('json');
    expect(bodyFormat('Application/Merge-Patch+JSON ;charset=UTF-8', PATCH)).toBe('merge-patch');
    expect(bodyFormat(' application/yaml ', CREATE)).toBe('yaml');
  });

  it('rejects a missing Content-Type with 415 where JSON is not taken (PATCH)', () => {
    const err = statusErrorFrom(() => bodyFormat(undefined, PATCH));
    expect(err.code).toBe(415);
    expect(err.reason).toBe('UnsupportedMediaType');
    expect(err.details).toBeUndefined();
    expect(err.message).toContain(
      'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
  });

  it('rejects strategic merge with 415 on an endpoint that, like a CRD, does not take it', () => {
    const err = statusErrorFrom(() => bodyFormat('application/strategic-merge-patch+json', PATCH));
    expect(err.code).toBe(415);
    expect(err.details?.causes).toEqual([
      { reason: 'UnsupportedMediaType', message: 'application/strategic-merge-patch+json' },
    ]);
  });

  it('rejects a patch type on a create/update endpoint with 415 listing JSON and YAML', () => {
    const err = statusErrorFrom(() => bodyFormat('application/merge-patch+json', CREATE));
    expect(err.code).toBe(415);
    expect(err.message).toContain('application/json, application/yaml');
  });

  it.each([
    ['protobuf', 'application/vnd.kubernetes.protobuf'],
    ['CBOR apply patches', 'application/apply-patch+cbor'],
    ['application/x-yaml', 'application/x-yaml'],
    ['text/plain', 'text/plain'],
    ['form posts', 'application/x-www-form-urlencoded'],
    ['parameters without a media type', '; charset=utf-8'],
    ['garbage', 'garbage'],
  ])('rejects %s with 415', (_name, contentType) => {
    const err = statusErrorFrom(() => bodyFormat(contentType, ALL));
    expect(err.code).toBe(415);
    expect(err.details?.causes?.[0]?.message).toBe(contentType);
  });

  it('rejects YAML with 415 where the endpoint takes JSON only', () => {
    expect(statusErrorFrom(() => bodyFormat('application/yaml', ['json'])).code).toBe(415);
  });
});
