'use strict';
// The native engine's command line, as prisma 7.10.1 builds it (build/cli.js):
//   main:  [--datamodels <file>]... --datasource <json> [--enabled-preview-features a,b] [--extension-types json]
//   side:  --datasource <json> cli can-connect-to-database|create-database
//   info:  --version

function parseArgs(argv) {
  const parsed = { datamodels: [], datasource: {}, previewFeatures: [], command: undefined, version: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      i += 1;
      if (argv[i] === undefined) throw new Error(`${arg} needs a value`);
      return argv[i];
    };
    if (arg === '--version' || arg === '-V') parsed.version = true;
    else if (arg === '--datamodels') parsed.datamodels.push(value());
    else if (arg === '--datasource') parsed.datasource = JSON.parse(value());
    else if (arg === '--enabled-preview-features') parsed.previewFeatures = value().split(',').filter(Boolean);
    // Accepted and dropped: the wasm engine's constructor has no option for extension types.
    else if (arg === '--extension-types') value();
    else if (arg === 'cli') parsed.command = value();
    else throw new Error(`Unknown argument: ${arg}`);
  }
  return parsed;
}

module.exports = { parseArgs };
