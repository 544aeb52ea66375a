/** Purpose of machine telemetry (ARCHITECTURE.md catalog): needs no one's consent. */
export const NO_CONSENT_PURPOSE = 'none';

export type ConsentDecision = 'send' | 'hold' | 'drop';

/**
 * What happens to an event for `purpose` given its subject's choices. An explicit refusal always
 * drops; only an undecided purpose may be held, so that a later grant can release it.
 */
export const decideConsent = (
  purpose: string,
  grantedByPurpose: Readonly<Record<string, boolean>> | undefined,
  ungrantedEvents: 'drop' | 'hold',
): ConsentDecision => {
  if (purpose === NO_CONSENT_PURPOSE) return 'send';
  const granted = grantedByPurpose?.[purpose];
  if (granted === true) return 'send';
  if (granted === false) return 'drop';
  return ungrantedEvents === 'hold' ? 'hold' : 'drop';
};
