// The only module that prompts. Commands call these only when CliContext.interactive is true
// (a terminal, no --yes, no --json); otherwise they need their arguments.
// Loaded when a prompt is shown: most runs never prompt, and inquirer (with its editor and
// encodings) is a large part of the CLI's start-up.
const inquirer = () => import('@inquirer/prompts');
import type { Tree } from '../trees/list-trees.js';
import { roleNames } from '../trees/tree-roles.js';
import { formatDate } from './render/format.js';

export async function confirm(message: string, dflt: boolean): Promise<boolean> {
  return (await inquirer()).confirm({ message, default: dflt });
}

export async function choose<T extends string>(
  message: string,
  choices: Array<{ value: T; name: string }>,
): Promise<T> {
  return (await inquirer()).select({ message, choices });
}

/**
 * `grove bisect start` without arguments: the bad tree from the deployments, the good one from
 * the deployments and the server's recent commits before the bad one.
 */
export async function pickStartTrees(
  trees: readonly Tree[],
  recentBefore: (
    bad: string,
  ) => Promise<Array<{ checksum: string; version: string | null; timestamp: Date; subject: string }>>,
  good?: string,
): Promise<{ good: string; bad: string }> {
  const choices = trees.map((t) => ({
    value: t.checksum,
    name: `${t.index}  ${t.version ?? '-'}  ${t.checksum.slice(0, 10)}  ${t.timestamp ? formatDate(t.timestamp) : ''}  ${roleNames(t).join(', ')}`,
  }));
  const bad = await (
    await inquirer()
  ).select({
    message: 'Which tree is broken (bad)?',
    choices,
    default: trees.find((t) => t.booted)?.checksum,
  });
  if (good !== undefined) return { good, bad };
  const deployed = new Set(trees.map((t) => t.checksum));
  const server = (await recentBefore(bad).catch(() => []))
    .filter((c) => !deployed.has(c.checksum))
    .map((c) => ({
      value: c.checksum,
      name: `   ${c.version ?? '-'}  ${c.checksum.slice(0, 10)}  ${formatDate(c.timestamp)}  on the server: ${c.subject}`,
    }));
  const g = await (
    await inquirer()
  ).select({
    message: 'Which tree worked (good)?',
    choices: [...choices.filter((c) => c.value !== bad), ...server],
    default: trees.find((t) => t.rollback)?.checksum,
    pageSize: 15,
  });
  return { good: g, bad };
}

export type VerdictChoice = 'good' | 'bad' | 'skip' | 'retry' | 'back' | 'quit';

export async function askVerdict(terms: { old: string; new: string }, what: string): Promise<VerdictChoice> {
  return (await inquirer()).select<VerdictChoice>({
    message: `How is ${what}?`,
    choices: [
      { value: 'good', name: `${terms.old}: it works` },
      { value: 'bad', name: `${terms.new}: it is broken` },
      { value: 'skip', name: 'skip: cannot tell on this tree' },
      { value: 'retry', name: 'retry: ask again later (nothing recorded)' },
      { value: 'back', name: 'back: take the last verdict back' },
      { value: 'quit', name: 'quit' },
    ],
  });
}

/** A checklist (space to tick, enter to accept); returns the ticked values, none ticked by default. */
export async function pickMany<T extends string>(
  message: string,
  choices: Array<{ value: T; name: string }>,
): Promise<T[]> {
  return (await inquirer()).checkbox<T>({ message, choices, pageSize: 20 });
}
