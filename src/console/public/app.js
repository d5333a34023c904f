import { html, render } from '/console/vendor/htm-preact.mjs';
import { useEffect, useState } from '/console/vendor/preact-hooks.mjs';
import { api, refusalOf, token } from './api.js';
import { Audit, Evidence, Team } from './pages.js';
import { Programmes, Standings } from './views.js';

function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'programs' && parts[1] && parts[2] === 'teams' && parts[3]) return { view: 'team', programId: parts[1], teamId: parts[3] };
  if (parts[0] === 'programs' && parts[1] && parts[2] === 'audit') return { view: 'audit', programId: parts[1] };
  if (parts[0] === 'programs' && parts[1]) return { view: 'standings', programId: parts[1] };
  return { view: 'programmes' };
}

function SignIn({ onSignedIn }) {
  const [error, setError] = useState(null);
  async function submit(event) {
    event.preventDefault();
    token.set(new FormData(event.currentTarget).get('token').trim());
    try {
      onSignedIn((await api('/session')).body);
    } catch (failure) {
      token.clear();
      setError(refusalOf(failure));
    }
  }
  return html`<main id="main" class="sign-in">
    <h1>Docket</h1>
    <p>The system of record of the sovereign AI foundation-model programme. Paste your API token to sign in; it is kept in this tab only.</p>
    <form onSubmit=${submit} aria-label="Sign in">
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="off" required />
      <button type="submit">Sign in</button>
      ${error && html`<p class="refusal" role="alert">${error}</p>`}
    </form>
    <p class="muted">Development tokens: <code>dev-official-token</code> (decides), <code>dev-auditor-token</code> (audits).</p>
  </main>`;
}

function App() {
  const [session, setSession] = useState(undefined);
  const [where, setWhere] = useState(route());
  useEffect(() => {
    const moved = () => setWhere(route());
    addEventListener('hashchange', moved);
    if (token.get()) api('/session').then((r) => setSession(r.body), () => (token.clear(), setSession(null)));
    else setSession(null);
    return () => removeEventListener('hashchange', moved);
  }, []);
  if (session === undefined) return html`<p aria-busy="true">Loading…</p>`;
  if (session === null) return html`<${SignIn} onSignedIn=${setSession} />`;
  const readsProgrammes = session.roles.some((role) => role !== 'subscriber');
  const signOut = () => (token.clear(), setSession(null), (location.hash = ''));
  return html`<a class="skip" href="#main">Skip to the content</a>
    <header class="top">
      <a class="brand" href="#/">Docket</a>
      <span class="who">${session.id} · ${session.roles.join(', ')}</span>
      <button type="button" onClick=${signOut}>Sign out</button>
    </header>
    <main id="main" tabindex="-1">
      ${!readsProgrammes
        ? html`<p class="refusal" role="alert">This token may not read programme data: subscribers read the event feed only (GET /api/events/stream).</p>`
        : where.view === 'standings'
          ? html`<${Standings} key=${where.programId} programId=${where.programId} session=${session} />`
          : where.view === 'team'
            ? html`<${Team} programId=${where.programId} teamId=${where.teamId} />`
            : where.view === 'audit'
              ? html`<${Audit} programId=${where.programId} />`
              : html`<${Programmes} />`}
      ${readsProgrammes && session.roles.some((r) => ['auditor', 'official', 'admin'].includes(r)) ? html`<${Evidence} />` : null}
    </main>`;
}

render(html`<${App} />`, document.getElementById('app'));
