/**
 * How the file store checks the objects it loads against their kind's schema without knowing
 * any kind: server assembly hands it a check, and an object the check refuses (a hand-edited
 * `replicas: "lots"`) is quarantined like a torn file instead of served.
 *
 * The check is handed over as the module that exports it, not as a function: the scan runs in
 * a worker thread (loader.ts), which can be given data but not a function, and loads the
 * module itself. Both threads load the same module, so both run the same check.
 */

/** Why `obj`, stored in `collection` (`group/resource`), cannot be served; undefined if it can. */
export type StoredObjectCheck = (collection: string, obj: unknown) => string | undefined;

/** Where a StoredObjectCheck is exported: an absolute module path and the export's name. */
export interface StoredObjectCheckRef {
  module: string;
  exportName: string;
}

export function loadObjectCheck(ref: StoredObjectCheckRef): StoredObjectCheck {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module is named at run time
  const check = (require(ref.module) as Record<string, unknown>)[ref.exportName];
  if (typeof check !== 'function') {
    throw new Error(`file store: ${ref.module} does not export a function ${ref.exportName}`);
  }
  return check as StoredObjectCheck;
}
