// Public API of the ostree module: the only code in grove that runs `ostree`.
export { Ostree, ostreeRunner, type OstreeOptions, type OstreeRunner } from './ostree.js';
export { Repo, commitArgs, type CommitOptions, type CommitTree, type PullOptions } from './repo.js';
export { Sysroot, deployArgs, type DeployOptions } from './sysroot.js';
export { MissingOstreeFeature } from './missing-feature.js';
export { deploymentIndex, positional } from './check-arguments.js';
export type {
  CommitInfo,
  Deployment,
  DiffEntry,
  Package,
  PruneResult,
  PullProgress,
  RepoMode,
} from './types.js';
export { parseGVariant, bytesToHex, GVariantParseError, type GVariantValue } from './parse-gvariant.js';
export { parseRawLog, parseRawShow, contentChecksum, type RawLog } from './parse-commit.js';
export { parsePkglist, pkglistFromValue } from './parse-pkglist.js';
export { parseAdminStatus } from './parse-admin-status.js';
export {
  parseVersion,
  parseHelpCommands,
  compareVersions,
  detectCapabilities,
  type Capabilities,
  type OstreeVersion,
} from './parse-version.js';
export { parsePullProgressLine, PullProgressTracker, pullStatusTexts } from './parse-pull-progress.js';
export { parsePrune } from './parse-prune.js';
export { parseFormattedSize } from './parse-size.js';
export { parseDiff } from './parse-diff.js';
export { parseRemoteList } from './parse-remote-list.js';
