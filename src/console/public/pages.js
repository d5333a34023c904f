import { html } from '/console/vendor/htm-preact.mjs';
import { useEffect, useState } from '/console/vendor/preact-hooks.mjs';
import { api, download, refusalOf } from './api.js';

const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');

/** A team's timeline: every decision that named it, with who took it, why and under which legal basis. */
export function Team({ programId, teamId }) {
  const [timeline, setTimeline] = useState(null);
  const [bases, setBases] = useState(new Map());
  const [error, setError] = useState(null);
  useEffect(() => {
    api(`/programs/${programId}/teams/${teamId}/timeline`).then((r) => setTimeline(r.body), (e) => setError(refusalOf(e)));
    // The legal basis is in the audit history (officials, auditors, admins).
    api(`/programs/${programId}/audit?teamId=${encodeURIComponent(teamId)}&limit=1000`).then(
      (r) => setBases(new Map(r.body.items.map((i) => [i.position, i.metadata.legalBasis]))),
      () => undefined,
    );
  }, [programId, teamId]);
  if (error) return html`<p class="refusal" role="alert">${error}</p>`;
  if (!timeline) return html`<p aria-busy="true">Loading the timeline…</p>`;
  return html`<section aria-labelledby="team-title">
    <p><a href=${`#/programs/${programId}`}>← Standings</a></p>
    <h1 id="team-title">${teamId}</h1>
    <ol class="timeline">
      ${timeline.entries.map((entry) => html`<li>
        <h2>${entry.type}</h2>
        <p class="muted">in effect ${when(entry.occurredAt)} · recorded ${when(entry.recordedAt)} · position ${entry.position}</p>
        <dl>
          <dt>By</dt><dd>${entry.actor?.id} (${entry.actor?.role})</dd>
          <dt>Reason</dt><dd>${entry.reason}</dd>
          <dt>Legal basis</dt><dd>${bases.get(entry.position) ?? '–'}</dd>
          <dt>Decision</dt><dd><code>${JSON.stringify(entry.data)}</code></dd>
        </dl>
      </li>`)}
    </ol>
  </section>`;
}

/** The audit history with the API's filters, paged, and its exports. */
export function Audit({ programId }) {
  const [filters, setFilters] = useState({ type: '', teamId: '', actor: '', from: '', to: '' });
  const [pages, setPages] = useState([null]);
  const [page, setPage] = useState(null);
  const [error, setError] = useState(null);
  const after = pages.at(-1);
  useEffect(() => {
    const params = new URLSearchParams({ limit: '50' });
    for (const [name, value] of Object.entries(filters)) if (value) params.set(name, name === 'from' || name === 'to' ? new Date(value).toISOString() : value);
    if (after) params.set('after', after);
    api(`/programs/${programId}/audit?${params}`).then((r) => (setPage(r.body), setError(null)), (e) => setError(refusalOf(e)));
  }, [programId, filters, after]);
  const field = (name, label, type = 'text') => html`<div class="field"><label for=${`audit-${name}`}>${label}</label><input id=${`audit-${name}`} name=${name} type=${type} value=${filters[name]} /></div>`;
  return html`<section aria-labelledby="audit-title">
    <p><a href=${`#/programs/${programId}`}>← Standings</a></p>
    <h1 id="audit-title">Audit history</h1>
    <form class="filters" aria-label="Filter the audit history" onSubmit=${(e) => (e.preventDefault(), setFilters(Object.fromEntries(new FormData(e.currentTarget))), setPages([null]))}>
      ${field('type', 'Event types (comma-separated)')} ${field('teamId', 'Team')} ${field('actor', 'Actor')} ${field('from', 'Recorded from', 'datetime-local')} ${field('to', 'Recorded to', 'datetime-local')}
      <button type="submit">Filter</button>
    </form>
    <p class="exports">Export the whole history:
      <button type="button" onClick=${() => download(`/programs/${programId}/audit/export?format=jsonl`, `${programId}-audit.jsonl`).catch((e) => setError(refusalOf(e)))}>JSON Lines</button>
      <button type="button" onClick=${() => download(`/programs/${programId}/audit/export?format=csv`, `${programId}-audit.csv`).catch((e) => setError(refusalOf(e)))}>CSV</button></p>
    ${error && html`<p class="refusal" role="alert">${error}</p>`}
    ${page && html`<div class="table-wrap" tabindex="0" role="region" aria-label="Audit entries"><table class="audit">
      <thead><tr><th scope="col">Position</th><th scope="col">Event</th><th scope="col">In effect</th><th scope="col">By</th><th scope="col">Reason</th><th scope="col">Legal basis</th></tr></thead>
      <tbody>${page.items.map((item) => html`<tr><td>${item.position}</td><td>${item.type}${item.data.teamId ? html`<span class="muted block">${item.data.teamId}</span>` : null}</td><td>${when(item.metadata.occurredAt)}</td><td>${item.metadata.actor?.id}</td><td>${item.metadata.reason}</td><td>${item.metadata.legalBasis ?? '–'}</td></tr>`)}</tbody>
    </table></div>`}
    <nav class="pager" aria-label="Pages of the audit history">
      <button type="button" disabled=${pages.length === 1} onClick=${() => setPages(pages.slice(0, -1))}>Previous page</button>
      <button type="button" disabled=${!page?.next} onClick=${() => setPages([...pages, page.next])}>Next page</button>
    </nav>
  </section>`;
}

/** The tamper-evidence status: the last signed checkpoint, and a verification of the whole log on demand. */
export function Evidence() {
  const [checkpoint, setCheckpoint] = useState(undefined);
  const [report, setReport] = useState(null);
  const [running, setRunning] = useState(false);
  useEffect(() => {
    api('/audit/checkpoints?limit=1').then((r) => setCheckpoint(r.body.items?.[0] ?? null), () => setCheckpoint(undefined));
  }, []);
  if (checkpoint === undefined) return null;
  const verify = () => {
    setRunning(true);
    api('/audit/verify').then((r) => setReport(r.body), (e) => setReport({ ok: false, reason: refusalOf(e) })).finally(() => setRunning(false));
  };
  return html`<aside class="evidence" aria-labelledby="evidence-title">
    <h2 id="evidence-title">Tamper evidence</h2>
    <p>${checkpoint ? html`Last signed checkpoint: ${checkpoint.treeSize} events, root <code>${checkpoint.rootHash.slice(0, 16)}…</code>, ${when(checkpoint.time)}` : 'No checkpoint signed yet.'}</p>
    <button type="button" onClick=${verify} disabled=${running}>${running ? 'Verifying…' : 'Verify the whole log'}</button>
    ${report && html`<p role="status" class=${report.ok ? 'ok' : 'refusal'}>${report.ok ? `Verified: ${report.checkedEvents} events, every hash, chain and checkpoint holds.` : `Broken at position ${report.firstBrokenPosition ?? '?'}: ${report.reason}`}</p>`}
  </aside>`;
}
