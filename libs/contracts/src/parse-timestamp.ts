const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/**
 * Year 2000 to year 2200: anything outside is a unit mistake (seconds or microseconds), not a time.
 * The pipeline's clock narrows the upper end further (event-time-window.ts).
 */
export const EARLIEST_TIMESTAMP_MS = 946_684_800_000;
export const LATEST_TIMESTAMP_MS = 7_258_118_400_000;

const digitAt = (text: string, index: number) => text.charCodeAt(index) - 48;

/** Date.parse rolls a day the month lacks over ("2026-02-30" is March 2nd): such a date is a mistake, not a time. */
const isRealDate = (iso: string): boolean => {
  const day = digitAt(iso, 8) * 10 + digitAt(iso, 9);
  if (day <= 28) return true;
  const year = Number(iso.slice(0, 4));
  const month = digitAt(iso, 5) * 10 + digitAt(iso, 6);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
};

/** An event timestamp as epoch ms whatever its year, or null when it is not ISO-8601 or a finite number. */
export const readTimestampMs = (timestamp: string | number): number | null => {
  let ms: number;
  if (typeof timestamp === 'number') {
    ms = timestamp;
  } else {
    if (!ISO_8601.test(timestamp) || !isRealDate(timestamp)) return null;
    ms = Date.parse(timestamp);
  }
  return Number.isFinite(ms) ? ms : null;
};

/** An event timestamp (ISO-8601 string or epoch milliseconds) as epoch ms, or null when invalid or outside 2000–2200. */
export const parseTimestampMs = (timestamp: string | number): number | null => {
  const ms = readTimestampMs(timestamp);
  if (ms === null || ms < EARLIEST_TIMESTAMP_MS || ms > LATEST_TIMESTAMP_MS) return null;
  return ms;
};
