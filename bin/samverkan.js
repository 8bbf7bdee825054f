#!/usr/bin/env node
'use strict';
// `npx samverkan <command>`: the auditors' CLI, compiled (npm run build), so it starts in well
// under a second. `npm run cli -- <command>` runs the same code from the sources.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('samverkan: the CLI is not built yet. Run `npm run build` once (npm run serve does it too), or use `npm run cli -- <command>`.\n');
  process.exit(2);
}
require(main);
