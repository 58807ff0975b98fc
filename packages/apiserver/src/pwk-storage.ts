#!/usr/bin/env node
/** `pwk-storage`: migrate pwk's objects between storage backends and verify the copy. */
import { fooKind } from '@pwk/api';
import { runStorageCommand } from './storage/migration/storage-command';

/** The kinds the API server installs (their stored objects are what pwk-storage copies). */
const INSTALLED_KINDS = [fooKind];

void runStorageCommand(
  process.argv.slice(2),
  {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  },
  INSTALLED_KINDS,
).then((code) => {
  process.exitCode = code;
});
