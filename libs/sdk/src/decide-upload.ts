export interface UploadConditions {
  isMetered: boolean;
  queuedEvents: number;
  queuedBytes: number;
  maxQueueEvents: number;
  maxQueueBytes: number;
  /** Upload anyway once the queue is this full, as a fraction of either bound. */
  meteredUploadFillRatio: number;
  /** Age of the oldest queued event; 0 when empty. */
  oldestAgeMs: number;
  meteredMaxAgeMs: number;
}

export type UploadMode = 'all' | 'urgent_only';

/**
 * On a metered connection only urgent metrics go, unless waiting longer would lose data (the
 * queue nears its bound and would start evicting) or make it stale (events older than the max age).
 */
export const decideUploadMode = (conditions: UploadConditions): UploadMode => {
  if (!conditions.isMetered) return 'all';
  const fill = Math.max(
    conditions.queuedEvents / conditions.maxQueueEvents,
    conditions.queuedBytes / conditions.maxQueueBytes,
  );
  if (fill >= conditions.meteredUploadFillRatio) return 'all';
  if (conditions.oldestAgeMs >= conditions.meteredMaxAgeMs) return 'all';
  return 'urgent_only';
};

/** The browser's Network Information API: data saver on, or a cellular link, counts as metered. */
export interface ConnectionInfo {
  saveData?: boolean;
  type?: string;
}

export const isConnectionMetered = (connection: ConnectionInfo | undefined): boolean =>
  connection !== undefined && (connection.saveData === true || connection.type === 'cellular');
