/**
 * The "simple" JSONPaths a CRD names fields with (additionalPrinterColumns' jsonPath, the scale
 * subresource's paths, selectableFields): `.spec.replicas`, `.status.conditions[0].type`, or
 * `.metadata.labels['app.kubernetes.io/name']`. Hand-written because apiextensions accepts only
 * this subset (no filters, wildcards or recursion) and a full JSONPath engine would accept paths
 * a CRD refuses; parsed once per kind, then read and written without re-parsing.
 */

/** One step: a field (or map key), or a list index. */
export type PathStep = { readonly field: string } | { readonly index: number };

export class SimpleJsonPath {
  private constructor(
    /** The path as written, e.g. `.spec.replicas`. */
    readonly text: string,
    readonly steps: readonly PathStep[],
  ) {}

  /** Throws an Error naming the path when it is not a simple path. */
  static parse(text: string): SimpleJsonPath {
    const steps: PathStep[] = [];
    const fail = (): never => {
      throw new Error(`${JSON.stringify(text)} is not a simple JSONPath (e.g. .spec.replicas)`);
    };
    let i = 0;
    if (!text.startsWith('.')) fail();
    while (i < text.length) {
      if (text[i] === '.') {
        const match = /^[A-Za-z0-9_-]+/.exec(text.slice(i + 1));
        if (!match) fail();
        steps.push({ field: match![0] });
        i += 1 + match![0].length;
      } else if (text.startsWith('[', i)) {
        const match = /^\[(?:(\d+)|'([^']*)'|"([^"]*)")\]/.exec(text.slice(i));
        if (!match) fail();
        steps.push(
          match![1] !== undefined ? { index: Number(match![1]) } : { field: match![2] ?? match![3]! },
        );
        i += match![0].length;
      } else {
        fail();
      }
    }
    if (steps.length === 0) fail();
    return new SimpleJsonPath(text, steps);
  }

  /** The value at the path, or undefined when any step is missing. */
  read(obj: unknown): unknown {
    let current: unknown = obj;
    for (const step of this.steps) {
      if ('index' in step) {
        if (!Array.isArray(current)) return undefined;
        current = current[step.index];
      } else {
        if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
        current = (current as Record<string, unknown>)[step.field];
      }
      if (current === undefined) return undefined;
    }
    return current;
  }

  /**
   * A copy of obj with `value` at the path, maps created on the way (unstructured.SetNestedField);
   * only the objects along the path are copied. Throws when a step meets a value that is not an object.
   */
  write<T>(obj: T, value: unknown): T {
    const set = (node: unknown, depth: number): unknown => {
      const step = this.steps[depth]!;
      if ('index' in step) throw new Error(`${this.text}: cannot set a list item`);
      if (node !== undefined && (node === null || typeof node !== 'object' || Array.isArray(node))) {
        throw new Error(`${this.text}: value at step ${depth + 1} is not an object`);
      }
      const copy = { ...(node as Record<string, unknown> | undefined) };
      copy[step.field] = depth === this.steps.length - 1 ? value : set(copy[step.field], depth + 1);
      return copy;
    };
    return set(obj, 0) as T;
  }

  /** The field selector label of this path (`.spec.color` → `spec.color`), as kube names selectable fields. */
  get label(): string {
    return this.text.slice(1);
  }
}
