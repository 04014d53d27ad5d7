// What git runs with. Only a few variables of the caller's environment pass: GIT_* ones (GIT_DIR,
// GIT_WORK_TREE, GIT_INDEX_FILE…) would point git at another repository, and simple-git refuses to
// run with editor, pager or ssh overrides (EDITOR, PAGER, GIT_SSH_COMMAND…) in the environment.
const PASSED = ['PATH', 'HOME', 'TMPDIR', 'USER', 'LOGNAME', 'TZ'];

export function gitEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of PASSED) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return { ...env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...extra };
}
