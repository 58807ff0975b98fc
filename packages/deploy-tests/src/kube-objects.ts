/** Rendering manifests with `kubectl kustomize`, and finding objects among them. */
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

export function parseManifests(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors[0]!.message}`);
      return doc.toJS() as KubeObject | null;
    })
    .filter((o): o is KubeObject => o !== null);
}

/** `kubectl kustomize <dir>` (kubectl's built-in kustomize), parsed. Throws with kubectl's stderr. */
export function kustomize(dir: string): KubeObject[] {
  try {
    return parseManifests(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: 'pipe' }));
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr;
    throw new Error(`kubectl kustomize ${dir} failed: ${stderr ?? String(err)}`);
  }
}

export function findObject(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found)
    throw new Error(
      `no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`,
    );
  return found;
}

/** Reads a nested field by path; undefined when any step is missing. */
export function field<T>(object: unknown, ...steps: (string | number)[]): T {
  let value: unknown = object;
  for (const step of steps) {
    if (value === null || typeof value !== 'object') return undefined as T;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value as T;
}
