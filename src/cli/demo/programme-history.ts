/**
 * The 2025–26 sovereign AI foundation-model programme: its facts (shared by the decider specs, the end-to-end tests
 * and `npm run demo`) and, from them, the list of HTTP decisions with the dates they took effect. Only LG AI
 * Research's scores are public; the others are plausible values that keep the published outcome.
 */
export interface HistoricDecision {
  path: string;
  body: Record<string, unknown>;
}

/** A decision of the demo: as in the history, with its legal basis and an idempotency key of its own. */
export interface DemoDecision extends HistoricDecision {
  idempotencyKey: string;
}

export const INDEPENDENCE = 'independent-development';
export const FINALISTS = ['naver-cloud', 'upstage', 'sk-telecom', 'nc-ai', 'lg-ai-research'];
export const CUT_IN_WRITTEN_REVIEW = ['consortium-a', 'consortium-b', 'consortium-c', 'consortium-d', 'consortium-e'];
export const CUT_AFTER_PRESENTATIONS = ['kakao', 'consortium-f', 'consortium-g', 'consortium-h', 'consortium-i'];

const KNOWN = [
  ['naver-cloud', 'Naver Cloud consortium', 'Naver Cloud'],
  ['upstage', 'Upstage consortium', 'Upstage'],
  ['sk-telecom', 'SK Telecom consortium', 'SK Telecom'],
  ['nc-ai', 'NC AI consortium', 'NC AI'],
  ['lg-ai-research', 'LG AI Research consortium', 'LG AI Research'],
  ['kakao', 'Kakao-led consortium', 'Kakao'],
];
// The other applicants' names are not public: they are named neutrally.
const UNNAMED = 'abcdefghi'.split('').map((l) => [`consortium-${l}`, `Consortium ${l.toUpperCase()}`, `Lead organisation ${l.toUpperCase()}`]);

/** The 15 applications, in the order they were received. Naver Cloud declared a third-party pretrained encoder. */
export const APPLICATIONS = [...KNOWN, ...UNNAMED].map(([teamId, consortiumName, leadOrganization]) => ({
  teamId: teamId!,
  consortiumName: consortiumName!,
  leadOrganization: leadOrganization!,
  members: [leadOrganization!],
  ...(teamId === 'naver-cloud'
    ? {
        modelDeclaration: {
          components: [
            { name: 'language model', origin: 'in-house' as const, weights: 'from-scratch' as const },
            { name: 'vision encoder', origin: 'third-party' as const, weights: 'pretrained' as const, source: 'another company' },
          ],
        },
      }
    : {}),
}));
export const INDEPENDENCE_TEXT = 'A model counts as independently developed only if the team initialised its weights and trained it from scratch.';
export const CLARIFIED_INDEPENDENCE_TEXT = 'Initialising the weights and conducting original training is the minimum condition for an independent model.';
export const VIOLATION_FINDINGS = "The model uses another company's trained vision-encoder weights.";
export const WILDCARD_CLOSES_AT = '2026-02-12T18:00:00+09:00';

export const SCORECARD = [
  { criterion: 'national-benchmark', maxPoints: 10 },
  { criterion: 'global-common-benchmark', maxPoints: 20 },
  { criterion: 'global-individual-benchmark', maxPoints: 10 },
  { criterion: 'expert-evaluation', maxPoints: 35 },
  { criterion: 'user-evaluation', maxPoints: 25 },
];
export const ROUND_ONE_POINTS: Record<string, number[]> = {
  'lg-ai-research': [9.2, 16.8, 7.6, 31.6, 25.0], // 33.6 + 31.6 + 25.0 = 90.2
  'sk-telecom': [8.5, 16.0, 7.4, 30.2, 24.3], // 86.4
  'naver-cloud': [8.8, 15.9, 7.0, 29.8, 24.2], // 85.7: inside the top four
  upstage: [8.1, 15.2, 7.3, 30.0, 24.3], // 84.9
  'nc-ai': [7.4, 13.8, 6.5, 27.1, 23.5], // 78.3
};

const at = (date: string) => ({ effectiveAt: `${date}+09:00` });

export function programmeHistory(programId: string): HistoricDecision[] {
  const p = `/api/programs/${programId}`;
  const d = (path: string, reason: string, when: string, body: Record<string, unknown> = {}): HistoricDecision => ({
    path: path === '' ? '/api/programs' : `${p}${path}`,
    body: { ...body, reason, ...at(when) },
  });
  return [
    d('', 'Programme announced by the ministry', '2025-06-01T09:00:00', {
      programId,
      title: 'Sovereign AI foundation model',
      ministry: 'Ministry of Science and ICT',
      finalistSlots: 5,
      winnerSlots: 2,
      legalBasis: 'Programme notice 2025-1',
      rules: [{ ruleId: INDEPENDENCE, text: INDEPENDENCE_TEXT }],
    }),
    ...APPLICATIONS.map((application) => d('/applications', 'Application received', '2025-07-18T12:00:00', application)),
    d('/applications/close', 'Application period ended', '2025-07-21T18:00:00'),
    ...CUT_IN_WRITTEN_REVIEW.map((teamId) => d('/eliminations', 'Not shortlisted in the written review', '2025-07-25T10:00:00', { teamId, grounds: 'not-shortlisted' })),
    ...FINALISTS.map((teamId) => d('/finalists', 'Selected after the presentations', '2025-08-04T10:00:00', { teamId })),
    ...CUT_AFTER_PRESENTATIONS.map((teamId) => d('/eliminations', 'Not selected after the presentations', '2025-08-04T10:00:00', { teamId, grounds: 'not-shortlisted' })),
    d('/rounds', 'First-stage evaluation opens', '2026-01-05T09:00:00', { round: 1, title: 'First-stage evaluation', scorecard: SCORECARD }),
    ...Object.entries(ROUND_ONE_POINTS).flatMap(([teamId, points]) =>
      SCORECARD.map(({ criterion }, i) => d('/rounds/1/scores', 'First-stage score', '2026-01-14T18:00:00', { teamId, criterion, points: points[i] })),
    ),
    d('/rounds/1/close', 'First-stage results announced', '2026-01-15T10:00:00'),
    d('/eliminations', 'Eliminated on the first-stage ranking', '2026-01-15T10:00:00', { teamId: 'nc-ai', grounds: 'ranking', round: 1 }),
    d('/compliance-findings', 'Review of the model declaration', '2026-01-15T10:00:00', {
      teamId: 'naver-cloud',
      ruleId: INDEPENDENCE,
      verdict: 'violation',
      findings: VIOLATION_FINDINGS,
    }),
    d('/eliminations', 'Disqualified under the independence rule', '2026-01-15T10:00:00', { teamId: 'naver-cloud', grounds: 'rule-violation', ruleId: INDEPENDENCE }),
    d('/rules', 'The ministry clarified the independence rule', '2026-01-20T10:00:00', {
      ruleId: INDEPENDENCE,
      text: CLARIFIED_INDEPENDENCE_TEXT,
    }),
    d('/wildcard', 'Wild-card call for one additional team', '2026-01-23T09:00:00', { slots: 1, closesAt: WILDCARD_CLOSES_AT }),
    d('/wildcard/close', 'The call ended without applicants', '2026-02-12T18:00:00', { admit: [] }),
  ];
}

/** The legal basis each kind of decision was taken under (the programme's notice and guidelines). */
const LEGAL_BASES: Array<[RegExp, string]> = [
  [/^\/api\/programs$/, 'Programme notice 2025-1'],
  [/\/applications(\/close)?$/, 'Programme notice 2025-1, §3 (applications)'],
  [/\/finalists$/, 'Programme notice 2025-1, §4 (selection of finalists)'],
  [/\/rounds(\/\d+(\/scores|\/close))?$/, 'Evaluation guidelines 2026-1, §2 (stage evaluation)'],
  [/\/compliance-findings$/, 'Evaluation guidelines 2026-1, §5 (independent development)'],
  [/\/eliminations$/, 'Evaluation guidelines 2026-1, §7 (elimination)'],
  [/\/rules$/, 'Ministry clarification of 2026-01-20'],
  [/\/wildcard(\/close)?$/, 'Ministry notice 2026-2 (additional call)'],
];

/**
 * What `npm run demo` records: the history, each decision with a legal basis and an idempotency key derived from
 * its place in the history (so recording it twice changes nothing), then the second stage opened as a round of its
 * own, still open.
 */
export function demoHistory(programId: string): DemoDecision[] {
  const history = programmeHistory(programId);
  history.push({
    path: `/api/programs/${programId}/rounds`,
    body: { round: 2, title: 'Second-stage evaluation', scorecard: SCORECARD, reason: 'Second-stage evaluation opens', ...at('2026-02-16T09:00:00') },
  });
  return history.map((decision, index) => {
    const legalBasis = (decision.body['legalBasis'] as string | undefined) ?? LEGAL_BASES.find(([pattern]) => pattern.test(decision.path))?.[1];
    const what = decision.path.replace(/^\/api\/programs\/?[^/]*\/?/, '').replaceAll('/', '-') || 'launch';
    const team = typeof decision.body['teamId'] === 'string' ? `-${decision.body['teamId']}` : '';
    return {
      path: decision.path,
      body: { ...decision.body, ...(legalBasis ? { legalBasis } : {}) },
      idempotencyKey: `${programId}-${String(index + 1).padStart(3, '0')}-${what}${team}`.slice(0, 255),
    };
  });
}
