import { html } from '/console/vendor/htm-preact.mjs';
import { useEffect, useRef, useState } from '/console/vendor/preact-hooks.mjs';
import { api, follow, refusalOf } from './api.js';
import { DecisionForm, programmeActions, teamActions } from './decisions.js';

const STATUSES = ['applicant', 'finalist', 'eliminated', 'withdrawn', 'wildcard-applicant', 'winner'];
const GROUNDS = { 'not-shortlisted': 'not shortlisted', ranking: 'on the ranking', 'rule-violation': 'rule violation' };
const PAGE = 50;

export function Programmes() {
  const [programmes, setProgrammes] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api('/programs').then((r) => setProgrammes(r.body), (e) => setError(refusalOf(e)));
  }, []);
  if (error) return html`<p class="refusal" role="alert">${error}</p>`;
  if (!programmes) return html`<p aria-busy="true">Loading the programmes…</p>`;
  if (programmes.length === 0) return html`<p>No programme yet. <code>npm run demo</code> records the sovereign AI programme's history.</p>`;
  return html`<section aria-labelledby="programmes-title">
    <h1 id="programmes-title">Programmes</h1>
    <ul class="programmes">
      ${programmes.map((p) => html`<li><a href=${`#/programs/${p.programId}`}>${p.title}</a> <span class="muted">${p.programId} · ${p.phase} · revision ${p.revision}</span></li>`)}
    </ul>
  </section>`;
}

/** What the standings do not say but the forms and bars need: each round's scorecard, the rules, which rounds closed. */
async function programmeFacts(programId) {
  const facts = { scorecards: new Map(), rules: [], closedRounds: [] };
  try {
    const { body } = await api(`/programs/${programId}/audit?type=ProgramLaunched,EvaluationRoundOpened,EvaluationRoundClosed,EligibilityRuleClarified&limit=1000`);
    for (const item of body.items) {
      if (item.type === 'EvaluationRoundOpened') facts.scorecards.set(item.data.round, item.data.scorecard);
      if (item.type === 'EvaluationRoundClosed') facts.closedRounds.push(item.data.round);
      if (item.type === 'ProgramLaunched') facts.rules.push(...item.data.rules.map((r) => r.ruleId));
      if (item.type === 'EligibilityRuleClarified' && !facts.rules.includes(item.data.ruleId)) facts.rules.push(item.data.ruleId);
    }
  } catch {
    // Evaluators may not read the audit: the standings show without bars and without forms that need these.
  }
  return facts;
}

function query(params) {
  const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export function Standings({ programId, session }) {
  const [current, setCurrent] = useState(null);
  const [past, setPast] = useState(null);
  const [facts, setFacts] = useState(null);
  const [error, setError] = useState(null);
  const [status, setStatus] = useState('');
  const [after, setAfter] = useState(null);
  const [travel, setTravel] = useState({ asOf: '', effectiveAsOf: '' });
  const [open, setOpen] = useState(null);
  const [live, setLive] = useState('connecting');
  const [tick, setTick] = useState(0);
  const official = session.roles.includes('official');
  const travelling = travel.asOf !== '' || travel.effectiveAsOf !== '';

  const refresh = () => setTick((t) => t + 1);
  useEffect(() => {
    programmeFacts(programId).then(setFacts);
  }, [programId, tick]);
  useEffect(() => {
    const page = { status, limit: PAGE, after };
    api(`/programs/${programId}/standings${query(page)}`).then((r) => (setCurrent(r.body), setError(null)), (e) => setError(refusalOf(e)));
    if (!travelling) return setPast(null);
    const effective = travel.effectiveAsOf ? new Date(travel.effectiveAsOf).toISOString() : undefined;
    api(`/programs/${programId}/standings${query({ ...page, asOf: travel.asOf, effectiveAsOf: effective })}`).then((r) => setPast(r.body), (e) => setError(refusalOf(e)));
  }, [programId, status, after, travel.asOf, travel.effectiveAsOf, tick]);

  // Live: the feed for tokens that may read it, else a look at the revision every few seconds.
  const position = useRef(null);
  useEffect(() => {
    if (current) position.current = current.position;
  }, [current]);
  useEffect(() => {
    const controller = new AbortController();
    let timer = null;
    let pending = null;
    const changed = () => {
      clearTimeout(pending);
      pending = setTimeout(refresh, 150);
    };
    (async () => {
      while (position.current === null && !controller.signal.aborted) await new Promise((r) => setTimeout(r, 100));
      const outcome = await follow(programId, position.current ?? '0', changed, controller.signal, () => setLive('live'));
      if (outcome === 'forbidden' && !controller.signal.aborted) {
        setLive('polling');
        timer = setInterval(async () => {
          const { body } = await api(`/programs/${programId}/standings?limit=1`).catch(() => ({ body: null }));
          if (body && body.position !== position.current) refresh();
        }, 4000);
      }
    })();
    return () => (controller.abort(), clearInterval(timer), clearTimeout(pending));
  }, [programId]);

  if (error) return html`<p class="refusal" role="alert">${error}</p>`;
  if (!current || !facts) return html`<p aria-busy="true">Loading the standings…</p>`;
  const shown = past ?? current;
  const now = new Map(current.teams.map((t) => [t.teamId, t]));
  // Every round opened (an open round has a column before its first score), as far as the view reaches.
  const rounds = [...new Set([...shown.teams.flatMap((t) => t.rounds.map((r) => r.round)), ...(past ? [] : facts.scorecards.keys())])].sort((a, b) => a - b);
  const context = { ...current, openRound: current.phase === 'round-open' ? Math.max(...facts.scorecards.keys()) : null, lastClosedRound: facts.closedRounds.length ? Math.max(...facts.closedRounds) : null };

  return html`<section aria-labelledby="standings-title">
    <h1 id="standings-title">${current.title}</h1>
    <p class="muted">${programId} · phase <strong>${current.phase}</strong> · revision ${current.revision} · finalists ${current.slots.finalists.used}/${current.slots.finalists.total} · winners ${current.slots.winners.used}/${current.slots.winners.total}
      <span class=${`live ${live}`} role="status">${live === 'live' ? '● live' : live === 'polling' ? '● refreshing every 4 s' : '○ connecting'}</span></p>
    <nav class="tabs" aria-label="This programme"><a href=${`#/programs/${programId}`} aria-current="page">Standings</a> <a href=${`#/programs/${programId}/audit`}>Audit history</a></nav>

    <${TimeTravel} travel=${travel} setTravel=${(t) => (setTravel(t), setAfter(null))} head=${current.position} />
    ${past && html`<p class="travel-note" role="status">Showing the standings ${travel.asOf ? `as recorded at position ${travel.asOf}` : ''}${travel.asOf && travel.effectiveAsOf ? ' and ' : ''}${travel.effectiveAsOf ? `as in force on ${new Date(travel.effectiveAsOf).toLocaleString()}` : ''}: revision ${past.revision}. Rows that differ from today are marked.</p>`}

    <div class="filters">
      <label for="status-filter">Status</label>
      <select id="status-filter" value=${status} onChange=${(e) => (setStatus(e.currentTarget.value), setAfter(null))}>
        <option value="">every team</option>
        ${STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
      </select>
    </div>

    ${official && !travelling && html`<div class="programme-actions">${programmeActions(context).map((action) => html`<details open=${open === action.label}>
      <summary onClick=${(e) => (e.preventDefault(), setOpen(open === action.label ? null : action.label))}>${action.label}</summary>
      ${open === action.label && html`<${DecisionForm} programId=${programId} revision=${current.revision} action=${action} onDone=${() => (setOpen(null), refresh())} onStale=${() => (setOpen(null), refresh())} />`}
    </details>`)}</div>`}

    <div class="table-wrap" tabindex="0" role="region" aria-label="Standings table">
    <table class="standings">
      <caption class="visually-hidden">Standings of ${current.title}</caption>
      <thead><tr><th scope="col">Team</th><th scope="col">Status</th>${rounds.map((r) => html`<th scope="col">Round ${r}</th>`)}${official && !travelling ? html`<th scope="col">Decisions</th>` : null}</tr></thead>
      <tbody>
        ${shown.teams.map((team) => {
          const today = now.get(team.teamId);
          const differs = past && (!today || today.status !== team.status || JSON.stringify(today.rounds) !== JSON.stringify(team.rounds));
          return html`<tr class=${differs ? 'changed' : ''} data-team=${team.teamId}>
            <th scope="row"><a href=${`#/programs/${programId}/teams/${team.teamId}`}>${team.consortiumName}</a><span class="muted block">${team.teamId}</span></th>
            <td><span class=${`status ${team.status}`}>${team.status}</span>${team.eliminated && html`<span class="grounds block">${GROUNDS[team.eliminated.grounds] ?? team.eliminated.grounds}${team.eliminated.ruleId ? ` (${team.eliminated.ruleId})` : ''}, stage ${team.eliminated.stage}</span>`}${differs && today && html`<span class="now block">today: ${sinceThen(team, today)}</span>`}</td>
            ${rounds.map((r) => html`<td><${RoundCell} round=${team.rounds.find((x) => x.round === r)} scorecard=${facts.scorecards.get(r)} /></td>`)}
            ${official && !travelling ? html`<td>${teamActions(context, team, facts.scorecards.get(context.openRound), facts.rules).map((action) => {
              const id = `${team.teamId}:${action.label}`;
              return html`<details open=${open === id}><summary onClick=${(e) => (e.preventDefault(), setOpen(open === id ? null : id))}>${action.label}</summary>
                ${open === id && html`<${DecisionForm} programId=${programId} revision=${current.revision} action=${action} onDone=${() => (setOpen(null), refresh())} onStale=${() => (setOpen(null), refresh())} />`}</details>`;
            })}</td>` : null}
          </tr>`;
        })}
      </tbody>
    </table>
    </div>
    <nav class="pager" aria-label="Pages of teams">
      <button type="button" disabled=${after === null} onClick=${() => setAfter(null)}>First page</button>
      <button type="button" disabled=${!shown.next} onClick=${() => setAfter(shown.next)}>Next page</button>
    </nav>
  </section>`;
}

/** How a team stands today, against how it stood then: its status if that changed, else its latest round. */
function sinceThen(then, today) {
  if (then.status !== today.status) return today.status;
  const latest = today.rounds.at(-1);
  return latest ? `round ${latest.round} total ${latest.total ?? '–'}${latest.rank ? `, rank ${latest.rank}` : ''}` : today.status;
}

function RoundCell({ round, scorecard }) {
  if (!round) return html`<span class="muted">–</span>`;
  return html`<div class="round">
    ${Object.entries(round.scores).map(([criterion, points]) => {
      const max = scorecard?.find((c) => c.criterion === criterion)?.maxPoints;
      return html`<div class="score"><span class="criterion">${criterion}</span> ${max ? html`<meter min="0" max=${max} value=${points} aria-label=${`${criterion}: ${points} of ${max}`}></meter>` : null} <span class="points">${points}${max ? ` / ${max}` : ''}</span></div>`;
    })}
    <div class="total">total <strong>${round.total ?? '–'}</strong>${round.rank ? html` · rank <strong>${round.rank}</strong>` : null}</div>
  </div>`;
}

/** Replays the standings at a past position (recorded axis) and/or as in force at a past date (effective axis). */
function TimeTravel({ travel, setTravel, head }) {
  const [position, setPosition] = useState(travel.asOf || head);
  const [date, setDate] = useState(travel.effectiveAsOf);
  return html`<form class="time-travel" aria-label="Time travel" onSubmit=${(e) => (e.preventDefault(), setTravel({ asOf: position === head ? '' : String(position), effectiveAsOf: date }))}>
    <fieldset>
      <legend>Time travel</legend>
      <div class="field"><label for="travel-position">As recorded at position <output for="travel-position">${position}</output></label>
        <input id="travel-position" type="range" min="1" max=${head} value=${position} onInput=${(e) => setPosition(e.currentTarget.value)} /></div>
      <div class="field"><label for="travel-date">As in force on (effective date)</label>
        <input id="travel-date" type="datetime-local" value=${date} onInput=${(e) => setDate(e.currentTarget.value)} /></div>
      <button type="submit">Show</button>
      <button type="button" onClick=${() => (setPosition(head), setDate(''), setTravel({ asOf: '', effectiveAsOf: '' }))}>Back to today</button>
    </fieldset>
  </form>`;
}
