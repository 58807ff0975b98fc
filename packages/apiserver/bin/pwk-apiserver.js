#!/usr/bin/env node
// The `pwk-apiserver` command: runs the build, dist/main.js. Committed, unlike dist/:
// npm links a workspace's command at `npm ci` only if its file exists then, before any build.
'use strict';
const { existsSync } = require('node:fs');
const path = require('node:path');

const built = path.join(__dirname, '..', 'dist', 'main.js');
if (!existsSync(built)) {
  process.stderr.write(
    `pwk-apiserver: not built yet (${path.relative(process.cwd(), built)} is missing): run "npm run build" at the repository root first\n`,
  );
  process.exit(1);
}
require(built);
