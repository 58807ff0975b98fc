#!/usr/bin/env node
/** `pwk-storage`: migrate pwk's objects between storage backends (or to the storage version) and verify the copy. */
import { REGISTERED_KINDS } from './apis/registered-kinds';
import { runStorageCommand } from './storage/migration/storage-command';

void runStorageCommand(
  process.argv.slice(2),
  {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  },
  REGISTERED_KINDS,
).then((code) => {
  process.exitCode = code;
});
