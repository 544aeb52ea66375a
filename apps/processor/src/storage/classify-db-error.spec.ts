import { describe, expect, it } from 'vitest';
import { classifyDbError, poisonReason } from './classify-db-error';

const pgError = (code: string, message = 'refused') => Object.assign(new Error(message), { code });

describe('classifyDbError', () => {
  it.each([
    ['22P05', 'data_exception'],
    ['22003', 'data_exception'],
    ['22021', 'data_exception'],
    ['23514', 'integrity_violation'],
    ['23502', 'integrity_violation'],
    ['54000', 'limit_exceeded'],
  ])('%s is permanent (%s)', (code, condition) => {
    expect(classifyDbError(pgError(code))).toMatchObject({ kind: 'permanent', sqlState: code, condition });
  });

  it.each(['40001', '40P01', '57P01', '08006', '08001', '53100', '42P01', '23505'])('%s is transient', (code) => {
    expect(classifyDbError(pgError(code))).toEqual({ kind: 'transient', sqlState: code });
  });

  it('treats errors without a SQLSTATE (a lost connection) as transient', () => {
    expect(classifyDbError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toEqual({ kind: 'transient', sqlState: undefined });
    expect(classifyDbError(new Error('Connection terminated unexpectedly'))).toEqual({ kind: 'transient', sqlState: undefined });
    expect(classifyDbError('boom')).toEqual({ kind: 'transient', sqlState: undefined });
  });

  it('names the condition first, then the SQLSTATE and a bounded message', () => {
    const error = classifyDbError(pgError('23514', `new row violates check constraint "x" ${'y'.repeat(500)}`));
    if (error.kind !== 'permanent') throw new Error('expected a permanent error');
    const reason = poisonReason(error);
    expect(reason).toMatch(/^db_integrity_violation: SQLSTATE 23514: new row violates check constraint "x" y+$/);
    expect(reason.length).toBeLessThan(260);
  });
});
