import type { ConsentState } from './consent.model';

export interface ErasureRequestState {
  readonly id: string;
  readonly subject: string;
  readonly status: string;
  readonly requestedAt: Date;
  readonly completedAt: Date | null;
  readonly deletedRows: Record<string, unknown> | null;
}

export interface PurposeGrantInput {
  readonly purpose: string;
  readonly granted: boolean;
}

/**
 * The consent and erasure operations the API needs. They belong to the privacy side of
 * libs/admin (shared with its CLIs); this port lets the resolver stay the same whichever
 * implementation is wired in privacy.module.
 */
export interface PrivacyAdmin {
  readConsent(subjectId: string): Promise<ConsentState | null>;
  recordConsent(subjectId: string, grants: readonly PurposeGrantInput[], actor: string): Promise<ConsentState>;
  requestErasure(subjectId: string, actor: string): Promise<ErasureRequestState>;
}

export const PRIVACY_ADMIN = Symbol('PRIVACY_ADMIN');
