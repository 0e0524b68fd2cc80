// npm links the bins of dependencies, not the package's own: link ours so `npx teikit` runs the local
// build at once instead of installing a copy of this package first.
import { mkdir, rm, symlink, chmod } from 'node:fs/promises';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const binDir = path.join(root, 'node_modules', '.bin');
await mkdir(binDir, { recursive: true });
await chmod(path.join(root, 'dist', 'bin.js'), 0o755);
const link = path.join(binDir, 'teikit');
await rm(link, { force: true });
await symlink(path.relative(binDir, path.join(root, 'dist', 'bin.js')), link);
