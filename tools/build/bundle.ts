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
 *   160 MB of old space is five times that live heap.
 * - Under a cap below 256 MB V8 lets the old generation grow only 1.3× past what the last major GC
 *   left: the cloud under POST /v1/messages load ran a mark-compact every ~250 ms (~35 % of a helper
 *   core). 1.5× (50 %) marks less often; 2× (100 %, the flags until issue #23 round two) cost
 *   ~15–25 MB of peak RSS for no accept throughput this host could measure.
 * - 4 MB semi-spaces bound the young generation at ~12 MB. Measured with bench:send's accept rounds
 *   on a quiet 2-core host (cloud peak RSS, median share of bare Express): semi 8 + 100 %: 167–169 MB,
 *   43 %; semi 4 + 100 %: 156–158 MB, 43 %; semi 8 + 50 %: 152–153 MB, 43 %; semi 4 + 50 %: 141–144 MB,
 *   42 %; semi 8 + 30 %: 145–147 MB, 41 %. bench:delivery (cloud / store): 174 / 136 MB before,
 *   148 / 124 MB now, push burst unchanged.
 */
export const SERVICE_NODE_ARGS = ['--max-old-space-size=160', '--max-semi-space-size=4', '--heap-growing-percent=50'];

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
