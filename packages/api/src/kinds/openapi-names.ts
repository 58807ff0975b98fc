/** OpenAPI component names in the reverse-DNS form Kubernetes uses (`io.educative.pwk.bar.v1beta1.Foo`). */

/** `bar.pwk.educative.io` → `io.educative.pwk.bar`. */
export function reverseDNS(group: string): string {
  return group.split('.').reverse().join('.');
}

/** The component name of `name` (a kind, or a named part such as `FooSpec`) in group/version. */
export function openAPIName(group: string, version: string, name: string): string {
  return `${reverseDNS(group)}.${version}.${name}`;
}
