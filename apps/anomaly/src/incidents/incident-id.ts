import { createHash } from 'node:crypto';

/**
 * An incident's id is derived from the anomaly that opened it, so a replayed batch that re-plans
 * the same incident produces the same row instead of a twin.
 */
export const incidentIdFor = (openingAnomalyId: string): string => {
  const hex = createHash('sha256').update(`incident|${openingAnomalyId}`).digest('hex');
  // RFC 4122 layout with version 5-style bits, so it is a valid uuid for the column type.
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};
