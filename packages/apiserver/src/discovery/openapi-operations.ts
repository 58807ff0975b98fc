/**
 * The operations kube-apiserver would publish for our resources, in a dialect-neutral form that
 * openapi-document.ts renders as OpenAPI 3.0 and Swagger 2.0. Modelled on a CRD's: operation ids
 * like `patchExampleComV1NamespacedWidget`, `x-kubernetes-action`, and each operation's OWN
 * query parameters (kubectl ignores path-level ones when it looks for `fieldValidation`).
 * Derived from the resource descriptions: a verb or subresource that is not served has no operation.
 */
import type {
  GroupVersionDescription,
  GroupVersionKind,
  ResourceDescription,
  Verb,
} from '../apis/resource-description';
import { servedSubresources } from '../apis/resource-description';
import { META_SCHEMA_NAMES } from './openapi-meta-schemas';

export type ParamType = 'string' | 'integer' | 'boolean';
export interface ParameterSpec {
  name: string;
  in: 'query' | 'path';
  type: ParamType;
  description: string;
}

const q = (name: string, type: ParamType, description: string): ParameterSpec => ({
  name,
  in: 'query',
  type,
  description,
});

/** Query parameters as kube-apiserver documents them (long descriptions shortened). */
export const QUERY_PARAMETERS = {
  allowWatchBookmarks: q(
    'allowWatchBookmarks',
    'boolean',
    'allowWatchBookmarks requests watch events with type "BOOKMARK". Servers that do not implement bookmarks may ignore this flag and bookmarks are sent at the server\'s discretion.',
  ),
  continue: q(
    'continue',
    'string',
    'The continue option should be set when retrieving more results from the server. Since this value is server defined, clients may only use the continue value from a previous query result with identical query parameters (except for the value of continue).',
  ),
  fieldSelector: q(
    'fieldSelector',
    'string',
    'A selector to restrict the list of returned objects by their fields. Defaults to everything.',
  ),
  labelSelector: q(
    'labelSelector',
    'string',
    'A selector to restrict the list of returned objects by their labels. Defaults to everything.',
  ),
  limit: q(
    'limit',
    'integer',
    'limit is a maximum number of responses to return for a list call. If more items exist, the server will set the `continue` field on the list metadata to a value that can be used with the same initial query to retrieve the next set of results.',
  ),
  resourceVersion: q(
    'resourceVersion',
    'string',
    'resourceVersion sets a constraint on what resource versions a request may be served from. See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details.\n\nDefaults to unset',
  ),
  resourceVersionMatch: q(
    'resourceVersionMatch',
    'string',
    'resourceVersionMatch determines how resourceVersion is applied to list calls. It is highly recommended that resourceVersionMatch be set for list calls where resourceVersion is set See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details.\n\nDefaults to unset',
  ),
  sendInitialEvents: q(
    'sendInitialEvents',
    'boolean',
    '`sendInitialEvents=true` may be set together with `watch=true`. In that case, the watch stream will begin with synthetic events to produce the current state of objects in the collection. Once all such events have been sent, a synthetic "Bookmark" event will be sent.',
  ),
  timeoutSeconds: q(
    'timeoutSeconds',
    'integer',
    'Timeout for the list/watch call. This limits the duration of the call, regardless of any activity or inactivity.',
  ),
  watch: q(
    'watch',
    'boolean',
    'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications. Specify resourceVersion.',
  ),
  dryRun: q(
    'dryRun',
    'string',
    'When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed',
  ),
  fieldManager: q(
    'fieldManager',
    'string',
    'fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.',
  ),
  fieldManagerForPatch: q(
    'fieldManager',
    'string',
    'fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint. This field is required for apply requests (application/apply-patch) but optional for non-apply patch types (JsonPatch, MergePatch, StrategicMergePatch).',
  ),
  fieldValidation: q(
    'fieldValidation',
    'string',
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: ignores unknown/duplicate fields. - Warn: responds with a warning for each unknown/duplicate field, but successfully serves the request. - Strict: fails the request on unknown/duplicate fields.',
  ),
  force: q(
    'force',
    'boolean',
    'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.',
  ),
  gracePeriodSeconds: q(
    'gracePeriodSeconds',
    'integer',
    'The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately.',
  ),
  orphanDependents: q(
    'orphanDependents',
    'boolean',
    'Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7. Should the dependent objects be orphaned.',
  ),
  propagationPolicy: q(
    'propagationPolicy',
    'string',
    "Whether and how garbage collection will be performed. Either this field or OrphanDependents may be set, but not both. Acceptable values are: 'Orphan' - orphan the dependents; 'Background' - allow the garbage collector to delete the dependents in the background; 'Foreground' - a cascading policy that deletes all dependents in the foreground.",
  ),
  pretty: q('pretty', 'string', "If 'true', then the output is pretty printed."),
} satisfies Record<string, ParameterSpec>;
type ParamKey = keyof typeof QUERY_PARAMETERS;

const LIST_PARAMS: ParamKey[] = [
  'allowWatchBookmarks',
  'continue',
  'fieldSelector',
  'labelSelector',
  'limit',
  'resourceVersion',
  'resourceVersionMatch',
  'sendInitialEvents',
  'timeoutSeconds',
  'watch',
];
const WRITE_PARAMS: ParamKey[] = ['dryRun', 'fieldManager', 'fieldValidation'];
const PATCH_PARAMS: ParamKey[] = ['dryRun', 'fieldManagerForPatch', 'fieldValidation', 'force'];
const DELETE_PARAMS: ParamKey[] = ['gracePeriodSeconds', 'orphanDependents', 'propagationPolicy', 'dryRun'];
const DELETE_COLLECTION_PARAMS: ParamKey[] = [
  ...DELETE_PARAMS,
  'continue',
  'fieldSelector',
  'labelSelector',
  'limit',
  'resourceVersion',
  'resourceVersionMatch',
  'sendInitialEvents',
  'timeoutSeconds',
];

/** Strategic merge is listed on purpose (a CRD omits it): kubectl apply then sends strategic patches. */
export const PATCH_CONTENT_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;
const ANY_CONTENT = ['*/*'];
const PRODUCES = ['application/json', 'application/yaml'];
const PRODUCES_LIST = ['application/json', 'application/yaml', 'application/json;stream=watch'];

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type Action = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';
export type ResponseCode = '200' | '201' | '202';

/** One operation, independent of the OpenAPI dialect it is rendered in. Schemas are component names. */
export interface OperationSpec {
  method: Method;
  action: Action;
  operationId: string;
  description: string;
  gvk: GroupVersionKind;
  parameters: ParameterSpec[];
  body?: { schema: string; contentTypes: readonly string[]; required: boolean };
  responseSchema: string;
  responses: ResponseCode[];
  produces: string[];
}

export interface PathSpec {
  path: string;
  /** Path-level parameters: `{namespace}`, `{name}` and `pretty`, as kube places them. */
  parameters: ParameterSpec[];
  operations: OperationSpec[];
}

/** How one verb becomes an operation; `what` is '' or e.g. 'status of ' for a subresource. */
interface OperationTemplate {
  verb: Verb;
  method: Method;
  action: Action;
  /** Operation ids read `<idVerb><GroupVersion><idInfix><Namespaced><Kind><suffix>`. */
  idVerb: string;
  idInfix?: string;
  describe: (what: string, kind: string) => string;
  params: ParamKey[];
  body?: 'object' | 'patch' | 'deleteOptions';
  returns: 'object' | 'list' | 'status';
  responses: ResponseCode[];
}

const LIST: OperationTemplate = {
  verb: 'list',
  method: 'get',
  action: 'list',
  idVerb: 'list',
  describe: (_, kind) => `list or watch objects of kind ${kind}`,
  params: LIST_PARAMS,
  returns: 'list',
  responses: ['200'],
};

const COLLECTION_OPERATIONS: OperationTemplate[] = [
  LIST,
  {
    verb: 'create',
    method: 'post',
    action: 'post',
    idVerb: 'create',
    describe: (_, kind) => `create a ${kind}`,
    params: WRITE_PARAMS,
    body: 'object',
    returns: 'object',
    responses: ['200', '201', '202'],
  },
  {
    verb: 'deletecollection',
    method: 'delete',
    action: 'deletecollection',
    idVerb: 'delete',
    idInfix: 'Collection',
    describe: (_, kind) => `delete collection of ${kind}`,
    params: DELETE_COLLECTION_PARAMS,
    body: 'deleteOptions',
    returns: 'status',
    responses: ['200'],
  },
];

const ITEM_OPERATIONS: OperationTemplate[] = [
  {
    verb: 'get',
    method: 'get',
    action: 'get',
    idVerb: 'read',
    describe: (what, kind) => `read ${what}the specified ${kind}`,
    params: [],
    returns: 'object',
    responses: ['200'],
  },
  {
    verb: 'update',
    method: 'put',
    action: 'put',
    idVerb: 'replace',
    describe: (what, kind) => `replace ${what}the specified ${kind}`,
    params: WRITE_PARAMS,
    body: 'object',
    returns: 'object',
    responses: ['200', '201'],
  },
  {
    verb: 'patch',
    method: 'patch',
    action: 'patch',
    idVerb: 'patch',
    describe: (what, kind) => `partially update ${what}the specified ${kind}`,
    params: PATCH_PARAMS,
    body: 'patch',
    returns: 'object',
    responses: ['200', '201'],
  },
  {
    verb: 'delete',
    method: 'delete',
    action: 'delete',
    idVerb: 'delete',
    describe: (_, kind) => `delete a ${kind}`,
    params: DELETE_PARAMS,
    body: 'deleteOptions',
    returns: 'status',
    responses: ['200', '202'],
  },
];

/** The component names of a group version's kinds and lists, keyed `group/version/Kind`. */
export type SchemaNames = ReadonlyMap<string, string>;

/** The key of a kind in SchemaNames. */
export function schemaKey(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}/${gvk.kind}`;
}

const SCALE_KEY = schemaKey({ group: 'autoscaling', version: 'v1', kind: 'Scale' });

function schemaFor(gvk: GroupVersionKind, names: SchemaNames): string {
  const key = schemaKey(gvk);
  const name = key === SCALE_KEY ? META_SCHEMA_NAMES.scale : names.get(key);
  if (name === undefined) throw new Error(`no OpenAPI schema is known for ${key}`);
  return name;
}

/** Kube's spelling of a group version in operation ids: example.com v1beta1 → ExampleComV1beta1. */
function camel(words: string[]): string {
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** Kube's tag for a group version: `exampleCom_v1beta1`. */
export function openAPITag(api: GroupVersionDescription): string {
  const [first = '', ...rest] = api.group.split('.');
  return `${first}${camel(rest)}_${api.version}`;
}

interface OperationContext {
  /** `<GroupVersion>` and `<Namespaced><Kind>` parts of the operation id, and its suffix. */
  gv: string;
  scopedKind: string;
  suffix: string;
  what: string;
  kind: string;
  gvk: GroupVersionKind;
  listKind: string;
  schemaNames: SchemaNames;
}

const BODY_CONTENT: Record<NonNullable<OperationTemplate['body']>, readonly string[]> = {
  object: ANY_CONTENT,
  patch: PATCH_CONTENT_TYPES,
  deleteOptions: ANY_CONTENT,
};

function operation(t: OperationTemplate, ctx: OperationContext): OperationSpec {
  // Resolved on demand: a subresource's kind (Scale) has no list schema, and needs none.
  const schemaOf = (use: 'object' | 'list' | 'status' | 'patch' | 'deleteOptions'): string => {
    if (use === 'status') return META_SCHEMA_NAMES.status;
    if (use === 'patch') return META_SCHEMA_NAMES.patch;
    if (use === 'deleteOptions') return META_SCHEMA_NAMES.deleteOptions;
    return schemaFor(use === 'list' ? { ...ctx.gvk, kind: ctx.listKind } : ctx.gvk, ctx.schemaNames);
  };
  return {
    method: t.method,
    action: t.action,
    operationId: `${t.idVerb}${ctx.gv}${t.idInfix ?? ''}${ctx.scopedKind}${ctx.suffix}`,
    description: t.describe(ctx.what, ctx.kind),
    gvk: { ...ctx.gvk },
    parameters: t.params.map((key) => QUERY_PARAMETERS[key]),
    ...(t.body
      ? {
          body: {
            schema: schemaOf(t.body),
            contentTypes: BODY_CONTENT[t.body],
            required: t.body !== 'deleteOptions',
          },
        }
      : {}),
    responseSchema: schemaOf(t.returns),
    responses: t.responses,
    produces: t.returns === 'list' ? PRODUCES_LIST : PRODUCES,
  };
}

function pathParam(name: 'name' | 'namespace', description: string): ParameterSpec {
  return { name, in: 'path', type: 'string', description };
}

/** Everything kube-apiserver would install for one resource: collection, item and subresource paths. */
function resourcePaths(
  api: GroupVersionDescription,
  resource: ResourceDescription,
  schemaNames: SchemaNames,
): PathSpec[] {
  const base = `/apis/${api.group}/${api.version}`;
  const collection = `${base}${resource.namespaced ? '/namespaces/{namespace}' : ''}/${resource.resource}`;
  const namespace = resource.namespaced
    ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')]
    : [];
  const ctx: OperationContext = {
    gv: camel([...api.group.split('.'), api.version]),
    scopedKind: `${resource.namespaced ? 'Namespaced' : ''}${resource.kind}`,
    suffix: '',
    what: '',
    kind: resource.kind,
    gvk: { group: api.group, version: api.version, kind: resource.kind },
    listKind: resource.listKind,
    schemaNames,
  };
  const served = (templates: OperationTemplate[], verbs: readonly Verb[]): OperationTemplate[] =>
    templates.filter((t) => verbs.includes(t.verb));
  const pretty = QUERY_PARAMETERS.pretty;

  const paths: PathSpec[] = [
    {
      path: collection,
      parameters: [...namespace, pretty],
      operations: served(COLLECTION_OPERATIONS, resource.verbs).map((t) => operation(t, ctx)),
    },
    {
      path: `${collection}/{name}`,
      parameters: [pathParam('name', `name of the ${resource.kind}`), ...namespace, pretty],
      operations: served(ITEM_OPERATIONS, resource.verbs).map((t) => operation(t, ctx)),
    },
  ];
  for (const sub of servedSubresources(resource)) {
    const subCtx = { ...ctx, suffix: camel([sub.name]), what: `${sub.name} of `, gvk: sub.responseKind };
    paths.push({
      path: `${collection}/{name}/${sub.name}`,
      parameters: [pathParam('name', `name of the ${sub.responseKind.kind}`), ...namespace, pretty],
      operations: served(ITEM_OPERATIONS, sub.verbs).map((t) => operation(t, subCtx)),
    });
  }
  if (resource.namespaced && resource.verbs.includes('list')) {
    const allCtx = { ...ctx, scopedKind: resource.kind, suffix: 'ForAllNamespaces' };
    paths.push({
      path: `${base}/${resource.resource}`,
      parameters: [pretty],
      operations: [operation(LIST, allCtx)],
    });
  }
  return paths.filter((p) => p.operations.length > 0);
}

/** Every path of a group version, in a stable order; `schemaNames` names its kinds' components. */
export function openAPIPaths(api: GroupVersionDescription, schemaNames: SchemaNames): PathSpec[] {
  return api.resources.flatMap((resource) => resourcePaths(api, resource, schemaNames));
}
