// What the crypto subcommands share: openssl-style single-dash options,
// files in and out, hex arguments, the provider choice, and the CLI's
// error line ("ERROR: what (err code, NAME)", never a stack trace).
import { readFileSync, writeFileSync } from 'node:fs';
import { ErrorCode, TlsFailure } from '../../../core/errors.js';
import { nobleToolkit } from '../../../core/toolkit/noble.js';
import type { ToolkitProvider } from '../../../core/toolkit/provider.js';
import { nodeRandom } from '../files.js';
import { nodeToolkit } from '../node-toolkit.js';
import type { Command } from './command.js';
import { cliError, report } from './errors.js';

export function usage(what: string): never {
  throw cliError(ErrorCode.BAD_CONFIG, what);
}

/** Options: name -> true when it takes a value. */
export type OptionSpec = Record<string, boolean>;

export interface Parsed {
  opts: Record<string, string | true>;
  /** Arguments that are not options, in order. */
  rest: string[];
}

/** Parses "-name value" / "-flag" arguments (two dashes also accepted); unknown options fail. */
export function parseOptions(command: string, args: string[], spec: OptionSpec): Parsed {
  const opts: Record<string, string | true> = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.length < 2 || a.charAt(0) !== '-') {
      rest.push(a);
      continue;
    }
    const name = a.replace(/^--?/, '');
    if (!(name in spec)) usage('unknown option ' + a + ' for ' + command + ' (see microtls ' + command + ' -help)');
    if (spec[name]) {
      if (i + 1 >= args.length) usage('option ' + a + ' needs a value');
      opts[name] = args[++i];
    } else {
      opts[name] = true;
    }
  }
  return { opts, rest };
}

export function str(p: Parsed, name: string): string | undefined {
  const v = p.opts[name];
  return typeof v === 'string' ? v : undefined;
}

export function required(p: Parsed, name: string): string {
  const v = str(p, name);
  if (v === undefined) usage('missing -' + name);
  return v;
}

export function hexArg(p: Parsed, name: string): Uint8Array {
  const v = required(p, name);
  if (!/^([0-9a-fA-F]{2})*$/.test(v)) usage('-' + name + ' must be hex (an even number of 0-9a-f digits)');
  return new Uint8Array(Buffer.from(v, 'hex'));
}

export function readInput(path: string | undefined): Uint8Array {
  try {
    const b = readFileSync(path === undefined || path === '-' ? 0 : path);
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  } catch (e) {
    throw cliError(ErrorCode.IO_ERROR, 'cannot read ' + (path ?? 'standard input') + ': ' + (e as { code?: string }).code);
  }
}

export function writeOutput(path: string | undefined, data: Uint8Array | string): void {
  try {
    if (path === undefined || path === '-') process.stdout.write(data);
    else writeFileSync(path, data);
  } catch (e) {
    throw cliError(ErrorCode.IO_ERROR, 'cannot write ' + path + ': ' + (e as { code?: string }).code);
  }
}

/** -provider noble (core's code, the default) or node (node:crypto). */
export function provider(p: Parsed): ToolkitProvider {
  const v = str(p, 'provider') ?? 'noble';
  if (v !== 'noble' && v !== 'node') usage('-provider is noble or node, not ' + JSON.stringify(v));
  return v === 'node' ? nodeToolkit : nobleToolkit;
}

export const random = nodeRandom;

/** A crypto subcommand: its help, one line for the command list, and what it does with its arguments. */
export interface Tool {
  name: string;
  summary: string;
  help: string;
  run(args: string[]): number;
}

/** A Tool as a CLI Command: -help prints its help; a failure is one ERROR line and exit code 1. */
export function toolCommand(t: Tool): Command {
  return {
    name: t.name,
    summary: t.summary,
    async run(args) {
      if (args.some((a) => a === '-help' || a === '--help' || a === '-h')) {
        process.stdout.write(t.help);
        return 0;
      }
      try {
        return t.run(args);
      } catch (e) {
        // The toolkit's own failures are the user's errors as they are (no "failed:" prefix).
        return report(e instanceof TlsFailure ? cliError(e.code, e.message) : e);
      }
    },
  };
}
