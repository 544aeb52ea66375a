import { useMemo, useState } from 'preact/hooks';
import { errorMessage, request } from '../api/graphql-client';
import { CONSENT, RECORD_CONSENT, REQUEST_ERASURE, type Consent, type ErasureRequest, type Metric } from '../api/operations';
import type { Role } from '../auth/session';
import { formatDateTime } from '../ui/format';

type Choice = 'keep' | 'grant' | 'withdraw';
const PURPOSE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

interface PrivacyViewProps {
  token: string;
  role: Role;
  metrics: readonly Metric[];
}

export const PrivacyView = ({ token, role, metrics }: PrivacyViewProps) => {
  const [subjectId, setSubjectId] = useState('');
  const [lookedUp, setLookedUp] = useState<string | null>(null);
  const [consent, setConsent] = useState<Consent | null>(null);
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [extraPurpose, setExtraPurpose] = useState('');
  const [extraPurposes, setExtraPurposes] = useState<string[]>([]);
  const [erasure, setErasure] = useState<ErasureRequest | null>(null);
  const [confirmErasure, setConfirmErasure] = useState(false);
  const [busy, setBusy] = useState<'lookup' | 'consent' | 'erasure' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const purposes = useMemo(() => {
    const fromCatalog = metrics.map((metric) => metric.purpose).filter((purpose): purpose is string => !!purpose && purpose !== 'none');
    const fromConsent = consent?.purposes.map((grant) => grant.purpose) ?? [];
    return [...new Set([...fromCatalog, ...fromConsent, ...extraPurposes])].sort();
  }, [metrics, consent, extraPurposes]);

  if (role !== 'admin') {
    return (
      <section>
        <header class="view-header">
          <h2>Privacy</h2>
        </header>
        <p class="card notice">Consent and erasure are managed by admins. Sign in with an admin token to use this view.</p>
      </section>
    );
  }

  const run = async <T,>(kind: 'lookup' | 'consent' | 'erasure', action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(kind);
    setError(null);
    setNotice(null);
    try {
      return await action();
    } catch (failure) {
      setError(errorMessage(failure));
      return undefined;
    } finally {
      setBusy(null);
    }
  };

  const lookUp = async (event: Event) => {
    event.preventDefault();
    const subject = subjectId.trim();
    if (subject === '') return;
    const result = await run('lookup', () => request<{ consent: Consent | null }>(token, CONSENT, { subjectId: subject }));
    if (!result) return;
    setLookedUp(subject);
    setConsent(result.consent);
    setChoices({});
    setErasure(null);
    setConfirmErasure(false);
  };

  const grants = Object.entries(choices)
    .filter(([, choice]) => choice !== 'keep')
    .map(([purpose, choice]) => ({ purpose, granted: choice === 'grant' }));

  const recordConsent = async () => {
    if (lookedUp === null || grants.length === 0) return;
    const result = await run('consent', () => request<{ recordConsent: Consent }>(token, RECORD_CONSENT, { subjectId: lookedUp, purposes: grants }));
    if (!result) return;
    setConsent(result.recordConsent);
    setChoices({});
    setNotice(`Consent recorded: ${grants.map((grant) => `${grant.purpose} ${grant.granted ? 'granted' : 'withdrawn'}`).join(', ')}.`);
  };

  const requestErasure = async () => {
    if (lookedUp === null) return;
    const result = await run('erasure', () => request<{ requestErasure: ErasureRequest }>(token, REQUEST_ERASURE, { subjectId: lookedUp }));
    setConfirmErasure(false);
    if (!result) return;
    setErasure(result.requestErasure);
    if (result.requestErasure.status === 'completed') setConsent(null);
  };

  const addPurpose = (event: Event) => {
    event.preventDefault();
    const purpose = extraPurpose.trim();
    if (!PURPOSE_PATTERN.test(purpose)) {
      setError('A purpose name is lowercase letters, digits and _, starting with a letter.');
      return;
    }
    setExtraPurposes((current) => [...current, purpose]);
    setChoices((current) => ({ ...current, [purpose]: 'grant' }));
    setExtraPurpose('');
    setError(null);
  };

  const grantedOf = (purpose: string) => consent?.purposes.find((grant) => grant.purpose === purpose)?.granted;

  return (
    <section>
      <header class="view-header">
        <div>
          <h2>Privacy</h2>
          <p class="muted">Subjects are looked up by their pseudonym; the raw id you type is never stored.</p>
        </div>
      </header>
      <form class="card toolbar" onSubmit={lookUp}>
        <label class="grow">
          Subject id
          <input
            name="subjectId"
            value={subjectId}
            onInput={(event) => setSubjectId(event.currentTarget.value)}
            placeholder="user or device id, as the SDK sends it"
            autocomplete="off"
            spellcheck={false}
          />
        </label>
        <button type="submit" class="primary" disabled={busy !== null || subjectId.trim() === ''}>
          {busy === 'lookup' ? 'Looking up…' : 'Look up'}
        </button>
      </form>
      {error && <p class="error card" role="alert">{error}</p>}
      {notice && <p class="success card" role="status">{notice}</p>}
      {lookedUp !== null && (
        <div class="grid-2">
          <div class="card">
            <h3>Consent of “{lookedUp}”</h3>
            {consent === null ? (
              <p class="muted" data-testid="consent-state">No consent recorded: nothing is granted, so events that need a purpose are dropped.</p>
            ) : (
              <div data-testid="consent-state">
                <p class="muted small">
                  pseudonym <code>{consent.subject}</code> · updated {formatDateTime(consent.updatedAt)}
                </p>
                <ul class="chips">
                  {consent.purposes.map((grant) => (
                    <li key={grant.purpose} class={grant.granted ? 'granted' : 'withdrawn'} data-purpose={grant.purpose} data-granted={String(grant.granted)}>
                      {grant.granted ? '✓' : '✕'} {grant.purpose}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            <h4>Record consent</h4>
            <table class="compact">
              <tbody>
                {purposes.map((purpose) => {
                  const current = grantedOf(purpose);
                  return (
                    <tr key={purpose}>
                      <td>
                        <span class="tag">{purpose}</span>
                        <span class="muted small"> {current === undefined ? 'not recorded' : current ? 'granted' : 'withdrawn'}</span>
                      </td>
                      <td class="nowrap">
                        <select
                          aria-label={`Consent for ${purpose}`}
                          value={choices[purpose] ?? 'keep'}
                          onChange={(event) => setChoices((all) => ({ ...all, [purpose]: event.currentTarget.value as Choice }))}
                        >
                          <option value="keep">leave as is</option>
                          <option value="grant">grant</option>
                          <option value="withdraw">withdraw</option>
                        </select>
                      </td>
                    </tr>
                  );
                })}
                {purposes.length === 0 && (
                  <tr>
                    <td colSpan={2} class="muted">No purpose in the catalog yet: add one below.</td>
                  </tr>
                )}
              </tbody>
            </table>
            <form class="inline" onSubmit={addPurpose}>
              <input aria-label="Other purpose" placeholder="other purpose, e.g. marketing" value={extraPurpose} onInput={(event) => setExtraPurpose(event.currentTarget.value)} />
              <button type="submit" class="secondary" disabled={extraPurpose.trim() === ''}>
                Add
              </button>
            </form>
            <button class="primary" disabled={busy !== null || grants.length === 0} onClick={() => void recordConsent()}>
              {busy === 'consent' ? 'Recording…' : `Record consent${grants.length > 0 ? ` (${grants.length})` : ''}`}
            </button>
          </div>
          <div class="card">
            <h3>Erasure</h3>
            <p class="muted">Deletes everything stored about this subject (GDPR art. 17) and withdraws its consent.</p>
            {!confirmErasure ? (
              <button class="danger" disabled={busy !== null} onClick={() => setConfirmErasure(true)}>
                Request erasure…
              </button>
            ) : (
              <div class="confirm">
                <p>
                  Erase all data of <strong>{lookedUp}</strong>? This cannot be undone.
                </p>
                <button class="danger" disabled={busy !== null} onClick={() => void requestErasure()}>
                  {busy === 'erasure' ? 'Erasing…' : 'Yes, erase'}
                </button>
                <button class="secondary" onClick={() => setConfirmErasure(false)}>
                  Cancel
                </button>
              </div>
            )}
            {erasure && (
              <dl class="facts" data-testid="erasure-state">
                <dt>Status</dt>
                <dd>
                  <span class={`status ${erasure.status}`}>{erasure.status}</span>
                </dd>
                <dt>Requested</dt>
                <dd>{formatDateTime(erasure.requestedAt)}</dd>
                <dt>Completed</dt>
                <dd>{erasure.completedAt ? formatDateTime(erasure.completedAt) : 'not yet'}</dd>
                {erasure.deletedRows && (
                  <>
                    <dt>Deleted rows</dt>
                    <dd>
                      {Object.entries(erasure.deletedRows)
                        .map(([table, count]) => `${table}: ${String(count)}`)
                        .join(' · ')}
                    </dd>
                  </>
                )}
                <dt>Request id</dt>
                <dd>
                  <code>{erasure.id}</code>
                </dd>
              </dl>
            )}
          </div>
        </div>
      )}
    </section>
  );
};
