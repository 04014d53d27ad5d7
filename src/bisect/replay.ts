// `grove bisect replay FILE`: start again from a log, as git does: the start line, then each
// verdict by checksum, then deploy what comes next (once, not after every line).
import { UserError } from '../errors.js';
import { advance, type Advance } from './advance.js';
import { appendLog, parseLog } from './bisect-log.js';
import type { BisectEnv } from './bisect-env.js';
import { termToVerdict, verdictToTerm } from './engine-input.js';
import { startBisect } from './start.js';
import { applyVerdict, label } from './verdict.js';

export async function replayLog(
  env: BisectEnv,
  text: string,
): Promise<{ verdicts: number; advance: Advance }> {
  const commands = parseLog(text);
  const start = commands[0];
  if (!start || start.kind !== 'start')
    throw new UserError('the log does not begin with a grove bisect start line.');
  const o = start.options;
  const one = (k: string) => (Array.isArray(o[k]) ? (o[k] as string[]).at(-1) : (o[k] as string | undefined));
  const many = (k: string) =>
    o[k] === undefined ? [] : Array.isArray(o[k]) ? (o[k] as string[]) : [String(o[k])];
  const didNotBoot = one('did-not-boot');
  const { state, store } = await startBisect(env, {
    good: start.good,
    bad: start.bad,
    remote: one('remote'),
    ref: one('ref'),
    os: one('os'),
    termOld: one('term-old'),
    termNew: one('term-new'),
    packageGlobs: many('package'),
    didNotBoot: didNotBoot === 'bad' ? 'bad' : 'skip',
    deferDeploy: true,
  });
  let n = 0;
  const lines: string[] = [];
  for (const c of commands.slice(1)) {
    if (c.kind !== 'verdict')
      throw new UserError('the log has a second start line; replay one bisection at a time.');
    const verdict = termToVerdict(state.terms, c.term);
    if (!verdict) throw new UserError(`the log has '${c.term}', which is not a verdict of this bisection.`);
    const target = state.commits.find((x) => x.checksum === c.checksum);
    if (!target) throw new UserError(`the log judges ${c.checksum}, which is not between good and bad.`);
    applyVerdict(state, target, verdict, 'replay');
    lines.push(
      `# ${verdictToTerm(state.terms, verdict)}: ${label(target)} (replayed)`,
      `grove bisect ${c.term} ${c.checksum}`,
    );
    n++;
  }
  await store.save(state);
  await appendLog(store.logFile, lines);
  return { verdicts: n, advance: await advance(env, store, state) };
}
