import { html } from '/console/vendor/htm-preact.mjs';
import { useState } from '/console/vendor/preact-hooks.mjs';
import { api, ApiError } from './api.js';

/** Every refusal code of the API, in plain words for the official who met it. */
export const REFUSALS = {
  APPLICATIONS_CLOSED: 'Applications are closed: no team can apply any more.',
  APPLICATIONS_STILL_OPEN: 'Applications are still open: close them before selecting finalists.',
  DUPLICATE_APPLICATION: 'This team has applied already.',
  NOT_AN_APPLICANT: 'Only an applicant can be selected as a finalist.',
  FINALIST_SLOTS_FULL: 'Every finalist slot is taken.',
  NO_FINALISTS: 'There are no finalists to evaluate.',
  ROUND_ALREADY_OPEN: 'An evaluation round is open already: close it first.',
  ROUND_NUMBER_INVALID: 'Rounds are numbered one after the other.',
  NO_OPEN_ROUND: 'No evaluation round is open.',
  TEAM_NOT_ACTIVE: 'The team is no longer in the competition.',
  UNKNOWN_CRITERION: "The criterion is not on this round's scorecard.",
  POINTS_OUT_OF_RANGE: "The points are outside the criterion's range.",
  SCORE_ALREADY_RECORDED: 'This score is recorded already: correct it instead.',
  NO_SCORE_TO_CORRECT: 'There is no score to correct.',
  SCORES_MISSING: 'Some finalists still miss scores: the round cannot close.',
  ROUND_NOT_CLOSED: 'That round is not closed: its ranking cannot decide yet.',
  NO_VIOLATION_FINDING: 'Disqualifying a team needs a compliance finding of a violation of that rule first.',
  UNKNOWN_RULE: 'The programme has no such rule.',
  WINNER_CANNOT_WITHDRAW: 'A winner cannot withdraw.',
  WILDCARD_ALREADY_OPEN: 'A wild-card call is open already.',
  NO_ELIMINATIONS: 'No team has been eliminated: there is no one to call back.',
  WILDCARD_NOT_OPEN: 'No wild-card call is open.',
  NOT_ELIGIBLE_FOR_WILDCARD: 'Only an eliminated team may answer the wild-card call.',
  WILDCARD_SLOTS_EXCEEDED: 'More teams than the call has slots.',
  NOT_A_WILDCARD_APPLICANT: 'Only a team that answered the call can be admitted.',
  NOT_A_FINALIST: 'Only a finalist can be chosen as a winner.',
  PROGRAM_CONCLUDED: 'The programme is concluded: no decision can be taken any more.',
  TEAM_NOT_FOUND: 'The programme has no such team.',
  PROGRAM_NOT_FOUND: 'There is no such programme.',
  VALIDATION_FAILED: 'Some of the fields are not valid.',
  FORBIDDEN: 'Your token does not allow this decision.',
  IDEMPOTENCY_KEY_REUSED: 'This form was sent before with other values: open it again.',
  CONCURRENCY_CONFLICT: 'The programme changed while the decision was being taken: try again.',
  RATE_LIMITED: 'Too many requests: wait a moment.',
};

export function refusalText(error) {
  if (!(error instanceof ApiError)) return `The decision could not be sent: ${error.message}`;
  const words = REFUSALS[error.code] ?? error.message;
  const fields = error.problem?.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
  return fields ? `${words} (${fields})` : words;
}

/** The decisions the programme's phase and a team's status allow, each as a form. */
export function teamActions(standings, team, scorecard, rules) {
  const { phase } = standings;
  const actions = [];
  if (phase === 'screening' && team.status === 'applicant') {
    actions.push({ label: 'Select as finalist', path: 'finalists', fields: [] });
    actions.push({ label: 'Not shortlisted', path: 'eliminations', fields: [], fixed: { grounds: 'not-shortlisted' } });
  }
  if (phase === 'round-open' && team.status === 'finalist' && scorecard) {
    actions.push({
      label: 'Record a score',
      path: `rounds/${standings.openRound}/scores`,
      fields: [
        { name: 'criterion', label: 'Criterion', kind: 'select', options: scorecard.map((c) => [c.criterion, `${c.criterion} (0–${c.maxPoints})`]) },
        { name: 'points', label: 'Points', kind: 'number', step: '0.01', min: '0' },
      ],
    });
  }
  if (phase === 'between-rounds' && team.status === 'finalist' && standings.lastClosedRound) {
    actions.push({ label: 'Eliminate on the ranking', path: 'eliminations', fields: [], fixed: { grounds: 'ranking', round: standings.lastClosedRound } });
    actions.push({ label: 'Select as winner', path: 'winners', fields: [] });
  }
  if (phase !== 'concluded' && ['applicant', 'finalist'].includes(team.status) && rules.length > 0) {
    actions.push({
      label: 'Record a compliance finding',
      path: 'compliance-findings',
      fields: [
        { name: 'ruleId', label: 'Rule', kind: 'select', options: rules.map((r) => [r, r]) },
        { name: 'verdict', label: 'Verdict', kind: 'select', options: [['violation', 'violation'], ['cleared', 'cleared']] },
        { name: 'findings', label: 'Findings', kind: 'text' },
      ],
    });
    actions.push({ label: 'Disqualify under a rule', path: 'eliminations', fields: [{ name: 'ruleId', label: 'Rule', kind: 'select', options: rules.map((r) => [r, r]) }], fixed: { grounds: 'rule-violation' } });
  }
  if (phase !== 'concluded' && ['applicant', 'finalist'].includes(team.status)) {
    actions.push({ label: 'Record a withdrawal', path: 'withdrawals', fields: [{ name: 'statement', label: "The team's statement", kind: 'text' }] });
  }
  return actions.map((action) => ({ ...action, fixed: { teamId: team.teamId, ...(action.fixed ?? {}) } }));
}

export function programmeActions(standings) {
  switch (standings.phase) {
    case 'accepting-applications':
      return [{ label: 'Close applications', path: 'applications/close', fields: [] }];
    case 'round-open':
      return [{ label: `Close round ${standings.openRound}`, path: `rounds/${standings.openRound}/close`, fields: [] }];
    case 'between-rounds':
      return [{ label: 'Open a wild-card call', path: 'wildcard', fields: [{ name: 'slots', label: 'Slots', kind: 'number', step: '1', min: '1' }, { name: 'closesAt', label: 'Closes at (RFC 3339)', kind: 'text' }] }];
    case 'wildcard-open':
      return [{ label: 'Close the wild-card call (admit none)', path: 'wildcard/close', fields: [], fixed: { admit: [] } }];
    default:
      return [];
  }
}

/**
 * One decision as a form: its fields, the reason and legal basis every decision records, sent with `If-Match` of
 * the revision the official is looking at and an `Idempotency-Key` made when the form opened (a double click
 * records once). A 412 means someone decided meanwhile: the form offers to refresh.
 */
export function DecisionForm({ programId, revision, action, onDone, onStale }) {
  const [key] = useState(() => crypto.randomUUID());
  const [sending, setSending] = useState(false);
  const [error, setError] = useState(null);
  const [stale, setStale] = useState(false);
  const id = (name) => `${key}-${name}`;

  async function submit(event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body = { ...action.fixed };
    for (const field of action.fields) {
      const value = form.get(field.name);
      body[field.name] = field.kind === 'number' ? Number(value) : value;
    }
    body.reason = form.get('reason');
    const legalBasis = form.get('legalBasis');
    if (legalBasis) body.legalBasis = legalBasis;
    setSending(true);
    setError(null);
    try {
      await api(`/programs/${encodeURIComponent(programId)}/${action.path}`, { method: 'POST', body, headers: { 'if-match': `"${revision}"`, 'idempotency-key': key } });
      onDone();
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 412) setStale(true);
      else setError(refusalText(failure));
    } finally {
      setSending(false);
    }
  }

  return html`<form class="decision" onSubmit=${submit} aria-label=${action.label}>
    <fieldset disabled=${sending}>
      <legend>${action.label}</legend>
      ${action.fields.map((field) => html`<div class="field">
        <label for=${id(field.name)}>${field.label}</label>
        ${field.kind === 'select'
          ? html`<select id=${id(field.name)} name=${field.name} required>${field.options.map(([value, label]) => html`<option value=${value}>${label}</option>`)}</select>`
          : html`<input id=${id(field.name)} name=${field.name} type=${field.kind === 'number' ? 'number' : 'text'} step=${field.step} min=${field.min} required />`}
      </div>`)}
      <div class="field"><label for=${id('reason')}>Reason</label><input id=${id('reason')} name="reason" required maxlength="2000" /></div>
      <div class="field"><label for=${id('legalBasis')}>Legal basis</label><input id=${id('legalBasis')} name="legalBasis" maxlength="500" /></div>
      <button type="submit">Record the decision</button>
    </fieldset>
    ${error && html`<p class="refusal" role="alert">${error}</p>`}
    ${stale && html`<div class="stale" role="alert"><p>Someone took a decision on this programme since revision ${revision}. Refresh to see it, then decide again.</p><button type="button" onClick=${onStale}>Refresh</button></div>`}
  </form>`;
}
