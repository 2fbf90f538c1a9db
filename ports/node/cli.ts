// `microtls <command>`: the CLI entry (bin/microtls.mjs and npm start run
// its build). The seed book's sample programs (chapters 6.1-6.5) and the
// simulator live in ./cli/, one file per command; a new command is a file
// there and an entry in COMMANDS. Output lines follow the book ("Waiting
// for a connection...", "Received: ...", "Session is reused") so its
// walkthroughs can be followed with this CLI.
import { pathToFileURL } from 'node:url';
import { ErrorCode } from '../../core/errors.js';
import { clientCommand } from './cli/client.js';
import type { Command } from './cli/command.js';
import { demoCommand } from './cli/demo.js';
import { usage } from './cli/help.js';
import { err } from './cli/output.js';
import { serverCommand } from './cli/server.js';
import { simulateCommand } from './cli/simulate.js';
import { toolkitCommands } from './cli/toolkit.js';

/** The commands, in the order `microtls --help` lists them. */
const COMMANDS: readonly Command[] = [serverCommand, clientCommand, demoCommand, simulateCommand, ...toolkitCommands];

/** Runs the CLI with process.argv-style arguments; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv.slice(2);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage(COMMANDS));
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    err('ERROR: unknown command ' + JSON.stringify(name) + ' (err ' + ErrorCode.BAD_CONFIG + ', BAD_CONFIG)');
    process.stderr.write(usage(COMMANDS));
    return 1;
  }
  return command.run(args);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv).then((code) => process.exit(code));
}
