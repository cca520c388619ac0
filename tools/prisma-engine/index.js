'use strict';
// Lets each app's prisma.config.ts point the Prisma CLI at the offline engine before the CLI
// looks for (and would otherwise download) the native one.
const path = require('node:path');

/** Absolute path of the offline schema-engine executable. */
const engineBinaryPath = path.join(__dirname, 'schema-engine');

module.exports = { engineBinaryPath };
