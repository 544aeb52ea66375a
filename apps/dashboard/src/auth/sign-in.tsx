import { useState } from 'preact/hooks';
import { errorMessage } from '../api/graphql-client';
import { roleOf, type Session } from './session';

export const SignIn = ({ onSignedIn }: { onSignedIn: (session: Session) => void }) => {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    const trimmed = token.trim();
    if (trimmed === '') return;
    setBusy(true);
    setError(null);
    try {
      onSignedIn({ token: trimmed, role: await roleOf(trimmed) });
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <form class="card sign-in-card" onSubmit={submit}>
        <h1>
          <span class="logo" aria-hidden="true" /> Telemetry
        </h1>
        <p class="muted">Sign in with an API token. Admins create tokens with the <code>createToken</code> mutation.</p>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={token}
          onInput={(event) => setToken(event.currentTarget.value)}
          placeholder="Bearer token"
          autoFocus
        />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy || token.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
};
