/** Valid bodies of the sixteen decisions, from the 2025–26 history of the sovereign AI foundation model programme. */

export const launch = {
  programId: 'sovereign-ai-2025',
  title: 'Sovereign AI Foundation Model Project',
  ministry: 'Ministry of Science and ICT',
  finalistSlots: 5,
  winnerSlots: 2,
  rules: [{ ruleId: 'independence', text: 'Weights must be initialised by the team and trained from scratch.' }],
  reason: 'Programme announced by the ministry.',
  legalBasis: 'Programme guidelines, section 3',
  effectiveAt: '2025-06-02T09:00:00+09:00',
};

export const application = {
  teamId: 'lg-ai-research',
  consortiumName: 'LG AI Research consortium',
  leadOrganization: 'LG AI Research',
  members: ['LG AI Research', 'LG Uplus', 'LG CNS'],
  modelDeclaration: { components: [{ name: 'EXAONE language model', origin: 'in-house', weights: 'from-scratch' }] },
  reason: 'Application received before the 2025-07-21 deadline.',
};

export const naverApplication = {
  teamId: 'naver-cloud',
  consortiumName: 'Naver Cloud consortium',
  leadOrganization: 'Naver Cloud',
  members: ['Naver Cloud'],
  modelDeclaration: {
    components: [
      { name: 'language model', origin: 'in-house', weights: 'from-scratch' },
      { name: 'vision encoder', origin: 'third-party', weights: 'pretrained', source: "another company's published encoder" },
    ],
  },
  reason: 'Application received before the 2025-07-21 deadline.',
};

export const closeApplications = { reason: 'Deadline of 2025-07-21 passed; 15 consortia applied.' };

export const finalist = { teamId: 'lg-ai-research', reason: 'Selected after the presentations in August 2025.' };

export const openRound = {
  round: 1,
  title: 'First-stage evaluation',
  scorecard: [
    { criterion: 'benchmark', maxPoints: 40 },
    { criterion: 'expert-evaluation', maxPoints: 35 },
    { criterion: 'user-evaluation', maxPoints: 25 },
  ],
  reason: 'First-stage evaluation starts.',
  effectiveAt: '2026-01-05T09:00:00+09:00',
};

export const score = { teamId: 'lg-ai-research', criterion: 'benchmark', points: 33.6, reason: 'Benchmark results of the first stage.' };

export const closeRound = { reason: 'Results announced.', effectiveAt: '2026-01-15T10:00:00+09:00' };

export const clarifyRule = {
  ruleId: 'independence',
  text: 'Initialising the weights and conducting original training is the minimum condition for an independent model.',
  reason: 'The ministry clarified the independence rule in January 2026.',
};

export const finding = {
  teamId: 'naver-cloud',
  ruleId: 'independence',
  verdict: 'violation',
  findings: "The vision encoder re-uses another company's trained weights.",
  reason: 'Review of the model declaration.',
};

export const rankingElimination = { teamId: 'nc-ai', grounds: 'ranking', round: 1, reason: 'Ranked fifth in the first stage.' };

export const violationElimination = {
  teamId: 'naver-cloud',
  grounds: 'rule-violation',
  ruleId: 'independence',
  reason: 'Disqualified under the independence rule.',
};

export const notShortlisted = { teamId: 'kakao', grounds: 'not-shortlisted', reason: 'Not among the final five after the presentations.' };

export const withdrawal = { teamId: 'upstage', statement: 'We withdraw.', reason: 'Written statement received.' };

export const openWildcard = { slots: 1, closesAt: '2026-02-12T18:00:00+09:00', reason: 'Wild-card call for one additional team.' };

export const wildcardApplication = { teamId: 'nc-ai', reason: 'Application to the wild-card call.' };

export const closeWildcard = { admit: [], reason: 'The expert panel chose no one.' };

export const winner = { teamId: 'lg-ai-research', reason: 'Selected after the second stage.' };
