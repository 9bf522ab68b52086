// electron-builder hook: rebuild better-sqlite3 (built against one Node ABI) for the
// Electron version being packaged. The usb package is N-API and needs no rebuild.
const { execFileSync } = require('node:child_process');

exports.default = async function beforeBuild(context) {
  execFileSync('npx', ['--yes', '@electron/rebuild', '--force', '--only', 'better-sqlite3', '--version', context.electronVersion ?? ''], {
    cwd: context.appDir,
    stdio: 'inherit',
  });
  // Resolving to false skips electron-builder's own rebuild of every native module.
  return false;
};
