import type { ConsentRecord } from '@telemetry/contracts';

/**
 * Consent is opt-in: no record, a purpose absent from the record, or anything but `true` means
 * not granted.
 */
export const isPurposeGranted = (record: ConsentRecord | undefined, purpose: string): boolean =>
  record !== undefined && Object.prototype.hasOwnProperty.call(record.purposes, purpose) && record.purposes[purpose] === true;

/**
 * Parses CLI grants such as ["analytics=true", "performance=false"] into purposes. Anything else
 * than true/false, or a purpose named twice, is an error naming the argument.
 */
export const parsePurposeGrants = (args: readonly string[]): Record<string, boolean> => {
  const purposes: Record<string, boolean> = {};
  for (const arg of args) {
    const match = /^([a-z][a-z0-9_.-]{0,63})=(true|false)$/.exec(arg);
    if (!match) throw new Error(`expected purpose=true|false, got "${arg}"`);
    const [, purpose = '', granted] = match;
    if (Object.prototype.hasOwnProperty.call(purposes, purpose)) throw new Error(`purpose "${purpose}" given twice`);
    purposes[purpose] = granted === 'true';
  }
  if (Object.keys(purposes).length === 0) throw new Error('no purpose given (e.g. analytics=true)');
  return purposes;
};
