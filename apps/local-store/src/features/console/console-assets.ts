// The console's static files: where they are, and where they are served (the loading, hashing and
// per-language rendering are @dtg/service-kit's loadConsoleAssets, shared with the operator console).
import path from 'node:path';
import { loadConsoleAssets as load, type ConsoleAssets } from '@dtg/service-kit';
import { APP_ROOT } from '../../paths';

// From the app root, not __dirname: the same path whether this runs from src/ (tsx) or dist/main.js.
export const CONSOLE_PUBLIC_DIR = path.join(APP_ROOT, 'src', 'features', 'console', 'public');

export function loadConsoleAssets(dir = CONSOLE_PUBLIC_DIR): ConsoleAssets {
  return load({ dir, assetsPath: '/assets' });
}
