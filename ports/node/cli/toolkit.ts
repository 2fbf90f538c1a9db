// The crypto toolkit subcommands (seed book chapter 7, openssl habits) for
// the CLI's command table: `microtls <command> -help` prints a command's options.
import type { Command } from './command.js';
import { cryptoTools } from './crypto-commands.js';
import { toolCommand } from './toolkit-args.js';
import { x509Tools } from './x509-commands.js';

export const toolkitCommands: Command[] = [...cryptoTools, ...x509Tools].map(toolCommand);
