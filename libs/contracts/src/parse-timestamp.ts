const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** Year 2000 to year 2200: anything outside is a unit mistake (seconds or microseconds), not a time. */
const MIN_EPOCH_MS = 946_684_800_000;
const MAX_EPOCH_MS = 7_258_118_400_000;

const digitAt = (text: string, index: number) => text.charCodeAt(index) - 48;

/** Date.parse rolls a day the month lacks over ("2026-02-30" is March 2nd): such a date is a mistake, not a time. */
const isRealDate = (iso: string): boolean => {
  const day = digitAt(iso, 8) * 10 + digitAt(iso, 9);
  if (day <= 28) return true;
  const year = Number(iso.slice(0, 4));
  const month = digitAt(iso, 5) * 10 + digitAt(iso, 6);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
};

/** An event timestamp (ISO-8601 string or epoch milliseconds) as epoch ms, or null when invalid. */
export const parseTimestampMs = (timestamp: string | number): number | null => {
  let ms: number;
  if (typeof timestamp === 'number') {
    ms = timestamp;
  } else {
    if (!ISO_8601.test(timestamp) || !isRealDate(timestamp)) return null;
    ms = Date.parse(timestamp);
  }
  if (!Number.isFinite(ms) || ms < MIN_EPOCH_MS || ms > MAX_EPOCH_MS) return null;
  return ms;
};
