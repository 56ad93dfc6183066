import type { Logger, LogLevel } from './logger';

/** The one logging signature the parts take, so none of them needs the Logger class. */
export type LogFn = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

export function logFn(logger: Logger): LogFn {
  return (level, msg, fields) => logger.write(level, msg, fields);
}
