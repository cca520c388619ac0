// `npm run build`: each service's main.ts → apps/<app>/dist/main.js, one CommonJS file with the
// workspace libs compiled in and every npm package left to node_modules. This is what npm start,
// the Docker images and the benchmarks run: plain `node`, no TypeScript loader in the process
// (~35 MB less memory and a faster start than node --import tsx).
// dist/ sits at the same depth as src/, so the apps' __dirname-relative paths hold in both.
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');
export const APPS = ['cloud-gateway', 'local-store', 'dingtalk-sim'] as const;
type AppName = (typeof APPS)[number];

export const bundlePath = (app: AppName) => path.join(ROOT, 'apps', app, 'dist', 'main.js');

/**
 * The node flags the services run with, here and in the Docker images' CMD (a test keeps them
 * equal). Command-line flags, not NODE_OPTIONS: NODE_OPTIONS refuses --heap-growing-percent.
 * - Without a cap V8 sizes its heap for the host's memory (GBs here) and lets garbage pile up
 *   between major GCs: under the benchmarks the cloud's RSS reached ~260 MB with ~30 MB live.
 *   160 MB of old space is five times that live heap; 8 MB semi-spaces bound the young generation
 *   at 24 MB instead of 48 MB.
 * - But under a cap below 256 MB V8 lets the old generation grow only 1.3× past what the last
 *   major GC left: the cloud under POST /v1/messages load ran a mark-compact every ~250 ms, each
 *   marking the whole ~30 MB heap (~100 ms of a helper thread; ~35 % of a core in all). Growing 2×
 *   cuts that to a third (~12 % of a core) for ~+15–20 MB of peak RSS.
 * Together they keep each service under ~200 MB.
 */
export const SERVICE_NODE_ARGS = ['--max-old-space-size=160', '--max-semi-space-size=8', '--heap-growing-percent=100'];

/** npm packages stay external (native modules, Prisma's runtime); the @dtg/* workspaces are TypeScript, so they are bundled. */
const externalPackages: Plugin = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@dtg/') ? undefined : { path: args.path, external: true }));
  },
};

export async function bundle(app: AppName): Promise<string> {
  const outfile = bundlePath(app);
  await build({
    entryPoints: [path.join(ROOT, 'apps', app, 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [externalPackages],
  });
  return outfile;
}

async function main(): Promise<void> {
  const started = performance.now();
  const files = await Promise.all(APPS.map(bundle));
  console.log(`built ${files.map((f) => path.relative(ROOT, f)).join(', ')} in ${Math.round(performance.now() - started)} ms`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
