// `npm run build -w @dtg/local-client`: the publishable package in libs/local-client/dist. The
// client's source imports @dtg/contracts and @dtg/webhook-signing, which stay private workspace
// libraries: their JavaScript is bundled into the client (CommonJS and ESM builds) and their type
// declarations ship under dist/types, so the package needs only its two npm dependencies (zod,
// standardwebhooks). Publish with `npm publish libs/local-client/dist`.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');
const LIB = path.join(ROOT, 'libs', 'local-client');
export const DIST = path.join(LIB, 'dist');
const BUNDLED = ['contracts', 'webhook-signing'] as const;

/** npm packages stay dependencies; the workspace libraries are compiled in. */
const externalPackages: Plugin = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@dtg/') ? undefined : { path: args.path, external: true }));
  },
};

async function bundles(): Promise<void> {
  for (const format of ['cjs', 'esm'] as const) {
    await build({
      entryPoints: [path.join(LIB, 'src', 'index.ts')],
      outfile: path.join(DIST, format === 'cjs' ? 'index.js' : 'index.mjs'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format,
      logLevel: 'warning',
      plugins: [externalPackages],
    });
  }
}

/** Declarations of the client and the libraries it exposes types from, with imports made relative. */
function declarations(): void {
  const tsconfig = path.join(DIST, 'tsconfig.types.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: path.join(ROOT, 'tsconfig.base.json'),
      compilerOptions: {
        declaration: true,
        emitDeclarationOnly: true,
        noEmit: false,
        rootDir: path.join(ROOT, 'libs'),
        outDir: path.join(DIST, 'types'),
        baseUrl: ROOT,
        paths: Object.fromEntries(BUNDLED.map((lib) => [`@dtg/${lib}`, [`libs/${lib}/src/index.ts`]])),
        types: ['node'],
      },
      files: [path.join(LIB, 'src', 'index.ts')],
    }),
  );
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', tsconfig], { stdio: 'inherit' });
  rmSync(tsconfig);
  const types = path.join(DIST, 'types');
  for (const file of walk(types).filter((f) => f.endsWith('.d.ts'))) {
    const text = readFileSync(file, 'utf8').replace(/(['"])@dtg\/(contracts|webhook-signing)\1/g, (_m, quote: string, lib: string) => {
      const target = path.relative(path.dirname(file), path.join(types, lib, 'src', 'index'));
      return `${quote}${target.startsWith('.') ? target : `./${target}`}${quote}`;
    });
    writeFileSync(file, text);
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

function manifest(): void {
  const source = JSON.parse(readFileSync(path.join(LIB, 'package.json'), 'utf8')) as Record<string, unknown>;
  const types = './types/local-client/src/index.d.ts';
  const published = {
    name: source.name,
    version: source.version,
    description: source.description,
    license: source.license,
    keywords: source.keywords,
    engines: { node: '>=20.19' },
    main: './index.js',
    module: './index.mjs',
    types,
    exports: { '.': { types, import: './index.mjs', require: './index.js' }, './package.json': './package.json' },
    sideEffects: false,
    dependencies: source.dependencies,
  };
  writeFileSync(path.join(DIST, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  cpSync(path.join(LIB, 'README.md'), path.join(DIST, 'README.md'));
}

export async function buildLocalClient(): Promise<string> {
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });
  await bundles();
  declarations();
  manifest();
  return DIST;
}

if (require.main === module) {
  buildLocalClient().then(
    (dist) => console.log(`built ${path.relative(ROOT, dist)} (npm publish ${path.relative(ROOT, dist)})`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
