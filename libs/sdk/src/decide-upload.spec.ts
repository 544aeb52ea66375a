import { describe, expect, it } from 'vitest';
import { decideUploadMode, isConnectionMetered, type ConnectionInfo, type UploadConditions, type UploadMode } from './decide-upload';

const HOUR_MS = 3_600_000;
const conditions = (partial: Partial<UploadConditions>): UploadConditions => ({
  isMetered: true,
  queuedEvents: 10,
  queuedBytes: 1_000,
  maxQueueEvents: 1_000,
  maxQueueBytes: 1_000_000,
  meteredUploadFillRatio: 0.8,
  oldestAgeMs: 0,
  meteredMaxAgeMs: 6 * HOUR_MS,
  ...partial,
});

describe('decideUploadMode', () => {
  it.each<[string, Partial<UploadConditions>, UploadMode]>([
    ['unmetered: everything goes', { isMetered: false }, 'all'],
    ['metered, small and fresh queue: only urgent', {}, 'urgent_only'],
    ['metered, queue near its event bound', { queuedEvents: 800 }, 'all'],
    ['metered, queue just below the ratio', { queuedEvents: 799 }, 'urgent_only'],
    ['metered, queue near its byte bound', { queuedBytes: 900_000 }, 'all'],
    ['metered, oldest event past the max age', { oldestAgeMs: 6 * HOUR_MS }, 'all'],
    ['metered, oldest event younger than the max age', { oldestAgeMs: 6 * HOUR_MS - 1 }, 'urgent_only'],
  ])('%s', (_name, partial, expected) => {
    expect(decideUploadMode(conditions(partial))).toBe(expected);
  });
});

describe('isConnectionMetered', () => {
  it.each<[string, ConnectionInfo | undefined, boolean]>([
    ['no Network Information API', undefined, false],
    ['wifi', { type: 'wifi', saveData: false }, false],
    ['cellular', { type: 'cellular' }, true],
    ['data saver on wifi', { type: 'wifi', saveData: true }, true],
    ['only effectiveType known (desktop Chrome)', {}, false],
  ])('%s', (_name, connection, expected) => {
    expect(isConnectionMetered(connection)).toBe(expected);
  });
});
