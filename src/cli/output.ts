// stdout carries the result (a table, or JSON with --json and nothing else); stderr carries
// progress and diagnostics.
export class Output {
  constructor(readonly json: boolean) {}

  /** The command's result: JSON when --json, otherwise the human text. */
  result(human: () => string, data: () => unknown): void {
    if (this.json) process.stdout.write(JSON.stringify(data(), null, 2) + '\n');
    else {
      const text = human();
      process.stdout.write(text.endsWith('\n') ? text : text + '\n');
    }
  }

  /** A line for the human: stdout normally, stderr when stdout is reserved for JSON. */
  say(line: string): void {
    (this.json ? process.stderr : process.stdout).write(line + '\n');
  }

  /** Progress and warnings: always stderr. */
  note(line: string): void {
    process.stderr.write(line + '\n');
  }
}
