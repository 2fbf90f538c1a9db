// The crypto toolkit subcommands as one table for the CLI's dispatch:
// `microtls <command> -help` prints a command's options.
import { cryptoCommands, type Tool } from './crypto-commands.js';
import { runTool } from './toolkit-args.js';
import { x509Commands } from './x509-commands.js';

export const toolkitCommands: Record<string, Tool> = { ...cryptoCommands, ...x509Commands };

/** Help lines for the CLI's command list. */
export const toolkitUsage: string = Object.keys(toolkitCommands)
  .map((name) => '  ' + name.padEnd(12) + toolkitCommands[name].summary + '\n').join('');

/** Runs a toolkit subcommand; resolves to the exit code (undefined when `command` is not one). */
export function runToolkit(command: string, args: string[]): Promise<number> | undefined {
  const tool = toolkitCommands[command];
  if (!tool) return undefined;
  if (args.some((a) => a === '-help' || a === '--help' || a === '-h')) {
    process.stdout.write(tool.help);
    return Promise.resolve(0);
  }
  return runTool(() => tool.run(args));
}
