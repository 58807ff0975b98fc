#!/usr/bin/env node
/** `pwk-storage`: migrate pwk's objects between storage backends and verify the copy. */
import { runStorageCommand } from './storage/migration/storage-command';

void runStorageCommand(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then((code) => {
  process.exitCode = code;
});
