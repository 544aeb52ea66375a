import { useEffect, useMemo, useState } from 'preact/hooks';
import { createLiveClient, type LiveStatus } from './api/live';
import { METRICS, type Metric } from './api/operations';
import { clearSession, loadSession, saveSession, type Session } from './auth/session';
import { SignIn } from './auth/sign-in';
import { CatalogView } from './catalog/catalog-view';
import { IncidentsView } from './incidents/incidents-view';
import { PatternsView } from './patterns/patterns-view';
import { PrivacyView } from './privacy/privacy-view';
import { SeriesView } from './series/series-view';
import { routeHash, useRoute, type View } from './ui/router';
import { useQuery } from './ui/use-query';

const NAV: ReadonlyArray<{ view: View; label: string; adminOnly: boolean }> = [
  { view: 'catalog', label: 'Catalog', adminOnly: false },
  { view: 'series', label: 'Series', adminOnly: false },
  { view: 'incidents', label: 'Incidents', adminOnly: false },
  { view: 'patterns', label: 'Patterns', adminOnly: false },
  { view: 'privacy', label: 'Privacy', adminOnly: true },
];

const SignedIn = ({ session, onSignOut }: { session: Session; onSignOut: () => void }) => {
  const route = useRoute();
  const [liveStatus, setLiveStatus] = useState<LiveStatus>('connecting');
  const live = useMemo(() => createLiveClient(session.token, setLiveStatus), [session.token]);
  useEffect(() => () => void live.dispose(), [live]);
  const metrics = useQuery<{ metrics: Metric[] }>(session.token, METRICS, {});
  const catalog = metrics.data?.metrics ?? [];

  const content = () => {
    if (metrics.error) return <p class="error card" role="alert">Could not load the catalog: {metrics.error}</p>;
    if (!metrics.data) return <p class="muted card">Loading the catalog…</p>;
    switch (route.view) {
      case 'catalog':
        return <CatalogView metrics={catalog} />;
      case 'series':
        return <SeriesView token={session.token} metrics={catalog} live={live} params={route.params} />;
      case 'incidents':
        return <IncidentsView token={session.token} role={session.role} params={route.params} />;
      case 'patterns':
        return <PatternsView token={session.token} metrics={catalog} params={route.params} />;
      case 'privacy':
        return <PrivacyView token={session.token} role={session.role} metrics={catalog} />;
    }
  };

  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href={routeHash('catalog')}>
          <span class="logo" aria-hidden="true" /> Telemetry
        </a>
        <nav>
          {NAV.filter((item) => !item.adminOnly || session.role === 'admin').map((item) => (
            <a key={item.view} href={routeHash(item.view)} class={route.view === item.view ? 'active' : ''} aria-current={route.view === item.view ? 'page' : undefined}>
              {item.label}
            </a>
          ))}
        </nav>
        <span class="spacer" />
        <span class={`live-status ${liveStatus}`} title="Live updates over graphql-ws">
          {liveStatus === 'live' ? 'live' : liveStatus}
        </span>
        <span class={`role ${session.role}`} data-testid="role">
          {session.role}
        </span>
        <button class="link" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main class="content">{content()}</main>
    </div>
  );
};

export const App = () => {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  if (!session) {
    return (
      <SignIn
        onSignedIn={(signedIn) => {
          saveSession(signedIn);
          setSession(signedIn);
        }}
      />
    );
  }
  return (
    <SignedIn
      key={session.token}
      session={session}
      onSignOut={() => {
        clearSession();
        setSession(null);
      }}
    />
  );
};
