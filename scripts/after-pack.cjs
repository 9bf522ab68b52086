// electron-builder afterPack hook: flips the Electron fuses of the packaged binary before
// it is signed and put into an installer. Fuses are compiled-in switches; turning these
// off removes ways to run the app's privileged binary as something else (a plain Node,
// a debug target, an app loaded from a loose folder). CommonJS because electron-builder
// require()s its hooks; the README ("Building installers") lists the same settings.
const { join } = require('node:path');
const { flipFuses, getCurrentFuseWire, FuseV1Options, FuseVersion } = require('@electron/fuses');

/** Fuse name (as in @electron/fuses' FuseV1Options) → wanted state. */
const FUSES = Object.freeze({
  // ELECTRON_RUN_AS_NODE would turn the signed app into a general-purpose Node.
  RunAsNode: false,
  // Cookies at rest encrypted with the OS key store (the app keeps none today; cheap insurance).
  EnableCookieEncryption: true,
  // NODE_OPTIONS could preload arbitrary code into the main process.
  EnableNodeOptionsEnvironmentVariable: false,
  // --inspect and friends would open a debugger port on the main process.
  EnableNodeCliInspectArguments: false,
  // The asar's header hash is checked against the one recorded in the binary (macOS, Windows).
  EnableEmbeddedAsarIntegrityValidation: true,
  // Never load the app from a loose resources/app folder dropped next to the asar.
  OnlyLoadAppFromAsar: true,
});

// electron-builder's Arch enum: the slices whose ad-hoc signature flipping invalidates.
const ARCH_ARM64 = 3;
const ARCH_UNIVERSAL = 4;
// How the wire stores a fuse's state (ASCII '1' / '0'; 'r' is removed); 1.x of @electron/fuses does not export them.
const FUSE_ON = 0x31;
const FUSE_OFF = 0x30;

/** The file holding the fuse wire, for the platform being packed. */
function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const name = packager.appInfo.productFilename;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return join(appOutDir, `${name}.app`);
  if (electronPlatformName === 'win32') return join(appOutDir, `${name}.exe`);
  return join(appOutDir, packager.executableName);
}

function fuseConfig(context) {
  const config = { version: FuseVersion.V1 };
  for (const [name, on] of Object.entries(FUSES)) config[FuseV1Options[name]] = on;
  // arm64 macOS refuses to run a binary whose ad-hoc signature no longer matches.
  const darwin = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  config.resetAdHocDarwinSignature = darwin && (context.arch === ARCH_ARM64 || context.arch === ARCH_UNIVERSAL);
  return config;
}

/** The wanted fuses this binary cannot hold: missing from its wire, or marked removed. */
function unsettable(wire) {
  return Object.keys(FUSES).filter((name) => {
    const state = wire[FuseV1Options[name]];
    return state !== FUSE_ON && state !== FUSE_OFF;
  });
}

async function afterPack(context) {
  const binary = electronBinaryPath(context);
  // @electron/fuses writes over a fuse Electron has removed with only a warning, and such a
  // fuse no longer does anything: an installer must not ship believing it is hardened.
  const missing = unsettable(await getCurrentFuseWire(binary));
  if (missing.length > 0) throw new Error(`fuses this Electron cannot set in ${binary}: ${missing.join(', ')}`);
  await flipFuses(binary, fuseConfig(context));
  const wire = await getCurrentFuseWire(binary);
  const wrong = Object.entries(FUSES).filter(([name, on]) => wire[FuseV1Options[name]] !== (on ? FUSE_ON : FUSE_OFF));
  if (wrong.length > 0) throw new Error(`fuses not set in ${binary}: ${wrong.map(([n]) => n).join(', ')}`);
}

exports.FUSES = FUSES;
exports.electronBinaryPath = electronBinaryPath;
exports.default = afterPack;
