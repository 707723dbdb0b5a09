import { writeSync } from 'node:fs';
import { isEksAuthError } from '../errors.js';

/**
 * Writes the command's answer to stdout with one write(2). Touching process.stdout would set up a
 * stream (and, for kubectl's pipe, the net module): a few milliseconds on every kubectl command.
 * Falls back to the stream if the descriptor is non-blocking and full.
 */
export function writeStdout(text: string): void {
  const data = Buffer.from(text, 'utf8');
  let offset = 0;
  try {
    while (offset < data.length) offset += writeSync(1, data, offset);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
    process.stdout.write(data.subarray(offset));
  }
}

/**
 * Secrets never leave the process in an error: tokens are cut to their first characters and
 * signatures and session tokens inside URLs are masked.
 */
export function redact(text: string): string {
  return text
    .replace(/k8s-aws-v1\.([A-Za-z0-9_-]{8})[A-Za-z0-9_-]*/g, 'k8s-aws-v1.$1…')
    .replace(/(X-Amz-(?:Security-Token|Signature)=)[^&\s"']+/gi, '$1…');
}

/**
 * --verbose, read before commander runs: warnings are routed at start-up and errors may come from
 * commander itself.
 */
export function wantsVerbose(argv: string[]): boolean {
  return argv.includes('--verbose') || argv.includes('-v');
}

/** Prints one line for the user (and the cause chain with --verbose) and returns the exit code. */
export function reportError(err: unknown, verbose: boolean): number {
  const message = isEksAuthError(err) ? err.message : `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
  const hint = verbose || isEksAuthError(err) ? '' : ' (run with --verbose for details)';
  process.stderr.write(`eks-auth: ${redact(message)}${hint}\n`);
  if (verbose) {
    let cause: unknown = err;
    while (cause) {
      process.stderr.write(redact(cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)) + '\n');
      cause = cause instanceof Error ? cause.cause : undefined;
      if (cause) process.stderr.write('caused by: ');
    }
  }
  return isEksAuthError(err) && err.code === 'USAGE' ? 2 : 1;
}
