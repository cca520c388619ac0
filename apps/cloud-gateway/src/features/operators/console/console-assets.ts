// The operator console's static files: where they are, where they are served, and the npm files it
// loads from this origin (the loading, hashing and per-language rendering are @dtg/service-kit's
// loadConsoleAssets, shared with the local store's console).
import path from 'node:path';
import { loadConsoleAssets as load, type ConsoleAssets } from '@dtg/service-kit';
import { APP_ROOT } from '../../../paths';

// From the app root, not __dirname: the same path whether this runs from src/ (tsx) or dist/main.js.
export const OPERATOR_CONSOLE_DIR = path.join(APP_ROOT, 'src', 'features', 'operators', 'console', 'public');

/** npm packages the page loads, served from this origin like its own files (no CDN): name → file. */
const VENDORED: Record<string, string> = {
  // uPlot: a small (~50 KB), dependency-free time-series chart that builds its DOM without HTML strings.
  'uplot.js': require.resolve('uplot/dist/uPlot.esm.js'),
  'uplot.css': require.resolve('uplot/dist/uPlot.min.css'),
};

export function loadConsoleAssets(dir = OPERATOR_CONSOLE_DIR): ConsoleAssets {
  return load({ dir, assetsPath: '/admin/console/assets', vendored: VENDORED });
}
