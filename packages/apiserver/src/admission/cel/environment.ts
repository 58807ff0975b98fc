/**
 * Kubernetes' CEL environment as far as @bufbuild/cel allows it: the standard definitions, the
 * strings extension (charAt, indexOf, lastIndexOf, lowerAscii, upperAscii, replace, split,
 * substring, trim, join, format, strings.quote), and kube's lists, regex, quantity and URL
 * libraries (library/*.ts), plus the cost charge of cost.ts. One environment per set of declared
 * variables, made once.
 *
 * Not supported (an expression using one fails to compile, naming it): the authorizer
 * (`authorizer`, `authorizer.requestResource`), optional types (`?.`, `optional.of`), `ip()` and
 * `cidr()`, `sets.*`, `base64.*`, `math.*`, `cel.bind`, `semver()`, `format.*` named formats,
 * `strings.reverse`, two-variable comprehensions, and the static type checking kube does against
 * an object's schema (pwk checks names, not types; a type mismatch is a runtime error).
 */
import { CelScalar, celEnv } from '@bufbuild/cel';
import type { CelEnv, CelType } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { costFunction } from './cost';
import { listsLibrary } from './library/lists';
import { quantityLibrary } from './library/quantity';
import { regexLibrary } from './library/regex';
import { urlLibrary } from './library/url';

/** The variables kube's admission CEL environments declare. */
export type CelVariable =
  'object' | 'oldObject' | 'request' | 'params' | 'namespaceObject' | 'variables' | 'authorizer';

/** Names pwk knows but cannot evaluate: a reference to one is a compile error saying so. */
export const UNSUPPORTED_VARIABLES: Readonly<Record<string, string>> = {
  authorizer: 'the authorizer library is not supported by pwk',
};

/** Calls the parser produces that are not functions of the environment (logic and indexing). */
export const BUILT_IN_CALLS: ReadonlySet<string> = new Set([
  '_&&_',
  '_||_',
  '_?_:_',
  '_[_]',
  '@not_strictly_false',
]);

const FUNCTIONS = [
  ...strings,
  ...listsLibrary,
  ...regexLibrary,
  ...quantityLibrary,
  ...urlLibrary,
  costFunction,
];

const environments = new Map<string, CelEnv>();

export function environmentFor(variables: readonly CelVariable[]): CelEnv {
  const declared = variables.filter((v) => !(v in UNSUPPORTED_VARIABLES)).sort();
  const key = declared.join(',');
  let env = environments.get(key);
  if (!env) {
    const decls: Record<string, CelType> = {};
    for (const name of declared) decls[name] = CelScalar.DYN;
    env = celEnv({ variables: decls, funcs: FUNCTIONS });
    environments.set(key, env);
  }
  return env;
}
