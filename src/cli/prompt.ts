// Loaded only when a prompt is needed (MFA): reads one line from stdin, asking on stderr.
import { createInterface } from 'node:readline/promises';

export async function promptOnStderr(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: Boolean(process.stdin.isTTY) });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
