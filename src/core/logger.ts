import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

export interface LoggerSettings {
  level: string;
  pretty: boolean;
}

/** Paths whose values never reach a log line, wherever they appear in a logged object. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.clientSecret',
  'password',
  'token',
  // Request headers and HTTP-client errors (axios keeps the request's config on the error).
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.headers["x-api-key"]',
  'err.config.auth',
  'err.config.headers.Authorization',
  '*.connectionString',
  '*.apiKey',
];

export function createLogger(settings: LoggerSettings, destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service: 'dealer-hub' },
  };
  if (destination) return pino(options, destination as pino.DestinationStream);
  if (settings.pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } });
  }
  return pino(options);
}
