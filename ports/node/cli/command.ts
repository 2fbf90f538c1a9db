// A CLI command as the dispatch table in ../cli.ts holds it, and
// flagCommand() for the usual kind: node:util parseArgs (strict) over the
// command's flags, --help answered with its help text, and any failure
// printed as an ERROR line with exit code 1.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ErrorCode } from '../../../core/errors.js';
import { cliError, report } from './errors.js';

export interface Command {
  name: string;
  /** One line for the command list of `microtls --help`. */
  summary: string;
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}

/** Parsed flags: strings and booleans by long name. */
export type Values = Record<string, string | boolean | undefined>;
export interface FlagCommand {
  name: string;
  summary: string;
  help: string;
  /** parseArgs options; each command also takes -h/--help. */
  flags: NonNullable<ParseArgsConfig['options']>;
  run(values: Values): Promise<number>;
  /** The side whose hints (./hints.ts) follow a failure's ERROR line. */
  hints?: 'client' | 'server';
}

const HELP_FLAG = { help: { type: 'boolean', short: 'h' } } as const;

export function flagCommand(c: FlagCommand): Command {
  return {
    name: c.name,
    summary: c.summary,
    async run(args) {
      let values: Values;
      try {
        values = parseArgs({ args, options: { ...c.flags, ...HELP_FLAG }, strict: true }).values as Values;
      } catch (e) {
        const m = e instanceof Error ? e.message : String(e);
        return report(cliError(ErrorCode.BAD_CONFIG, m + ' (see microtls ' + c.name + ' --help)'));
      }
      if (values.help) {
        process.stdout.write(c.help);
        return 0;
      }
      try {
        return await c.run(values);
      } catch (e) {
        return report(e, c.hints ? { side: c.hints, flags: values } : undefined);
      }
    },
  };
}
