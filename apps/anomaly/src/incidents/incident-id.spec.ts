import { describe, expect, it } from 'vitest';
import { incidentIdFor } from './incident-id';

describe('incidentIdFor', () => {
  it.each(['a', 'ffffffffffffffffffffffffffffffff', '0123456789abcdef0123456789abcdef'])('derives a stable RFC 4122 uuid from anomaly %s', (anomalyId) => {
    const id = incidentIdFor(anomalyId);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(incidentIdFor(anomalyId)).toBe(id);
  });

  it('differs between anomalies', () => {
    expect(incidentIdFor('a')).not.toBe(incidentIdFor('b'));
  });
});
