import { describe, expect, it } from 'vitest';
import { rejectionCategory } from './ingest-metrics';

describe('rejectionCategory', () => {
  it.each([
    ['events[3].value: must be a finite number', 'invalid_value'],
    ['events[12].attributes.region: must be a string of at most 256 characters', 'invalid_attributes'],
    ['events[0].attributes: invalid key "bad key"', 'invalid_attributes'],
    ['events[0].subjectId: is required', 'invalid_subjectId'],
    ['events[7]: expected object', 'invalid_event'],
    ['events[7].surprise: unexpected property', 'invalid_event'],
    ['metric: must match ^[a-z]…', 'invalid_metric'],
    ['value: must be a finite number', 'invalid_value'],
    ["events[2].timestamp: timestamp_out_of_range (accepted from 2000-01-01T00:00:00Z to 24 h after the pipeline's clock)", 'timestamp_out_of_range'],
    ['events[2].timestamp: must be ISO-8601 or epoch milliseconds', 'invalid_timestamp'],
  ])('%s → %s', (reason, category) => {
    expect(rejectionCategory(reason)).toBe(category);
  });
});
