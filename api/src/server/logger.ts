import { pino } from 'pino';

/** Structured JSON logs. Redaction is a safety net; the serializers never include secrets. */
export function createLogger(level: string) {
  return pino({
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.password_hash', '*.token', '*.refresh_token', '*.key'],
      censor: '[redacted]',
    },
  });
}
