// Public API of the git module: the only code in grove that runs git.
export {
  GitRepo,
  NotAGitRepository,
  UnknownRevision,
  parseLog,
  type GitCommit,
  type RangeOptions,
} from './git-repo.js';
export { GitWriter, type Identity, type ImportCommit } from './git-writer.js';
