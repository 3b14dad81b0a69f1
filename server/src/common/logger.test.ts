import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture(level: Parameters<typeof createLogger>[0] = 'trace') {
  const lines: Array<Record<string, any>> = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line with the level by name and the request id on a request logger', () => {
    const { logger, lines } = capture();
    logger.child({ reqId: 'abc123' }).info({ route: 'graphql' }, 'request completed');
    expect(lines).toEqual([expect.objectContaining({ level: 'info', reqId: 'abc123', route: 'graphql', msg: 'request completed' })]);
    expect(new Date(lines[0]!.time).toISOString()).toBe(lines[0]!.time);
  });

  it('blanks credentials in headers and query parameters of database errors, should anyone log them', () => {
    const { logger, lines } = capture();
    const error = Object.assign(new Error('duplicate key'), { query: 'INSERT …', parameters: ['top-secret-parameter'] });
    logger.error(
      {
        err: error,
        req: { headers: { authorization: 'Basic c2VjcmV0', cookie: 'ap_session=secret-cookie', 'user-agent': 'curl' } },
        res: { headers: { 'set-cookie': 'ap_session=secret-cookie' } },
        upstream: { headers: { authorization: 'Bearer apt_secret' } },
      },
      'failed',
    );
    const text = JSON.stringify(lines);
    for (const secret of ['c2VjcmV0', 'secret-cookie', 'apt_secret', 'top-secret-parameter']) expect(text).not.toContain(secret);
    expect(lines[0]!.req.headers['user-agent']).toBe('curl');
    expect(lines[0]!.err).toMatchObject({ message: 'duplicate key', query: 'INSERT …', parameters: '[redacted]' });
  });

  it('writes nothing below its level', () => {
    const { logger, lines } = capture('info');
    logger.debug('hidden');
    logger.warn('shown');
    expect(lines.map((l) => l.msg)).toEqual(['shown']);
  });
});
