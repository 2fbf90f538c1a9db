// Where the CLI prints: results on standard output, debug logs, notices and
// errors on standard error, one line per call.
export type Print = (line: string) => void;

export const out: Print = (line) => process.stdout.write(line + '\n');
export const err: Print = (line) => process.stderr.write(line + '\n');
