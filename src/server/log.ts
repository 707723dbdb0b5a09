/** Structured logs: one JSON object per line on stderr. Callers never pass tokens. */
export type LogFields = Record<string, string | number | boolean | null | undefined | string[]>;

export interface JsonLogger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export function jsonLogger(write: (line: string) => void = (l) => process.stderr.write(l)): JsonLogger {
  const emit = (level: string) => (msg: string, fields: LogFields = {}) => write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
}
