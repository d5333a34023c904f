import type { ProgramCommand } from '../../src/program/program.commands.js';
import { decide } from '../../src/program/program.decide.js';
import { ProgramRuleError } from '../../src/program/program.errors.js';
import type { ProgramEvent } from '../../src/program/program.events.js';
import { evolve, initialState, type ProgramState } from '../../src/program/program.state.js';

/** A small seeded generator (mulberry32): the same seed gives the same history, so a failure can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const RULES = ['independence', 'open-weights', 'data-residency'];
const CRITERIA = ['benchmark', 'expert', 'users'];

/**
 * A command that has a fair chance of being taken on `state`, and a fair chance of being refused: mostly one the
 * programme's phase calls for, on a team of the status it needs, sometimes any command on any team (a few of them
 * teams it never had), rounds and rules mostly existing ones, points sometimes out of range.
 */
export function randomCommand(programId: string, state: ProgramState, random: Random, teamPool = 24): ProgramCommand {
  const data = { programId };
  const launch: ProgramCommand = { type: 'LaunchProgram', data: { ...data, title: 'Random programme', ministry: 'MSIT', finalistSlots: 1 + Math.floor(random() * 6), winnerSlots: 1 + Math.floor(random() * 3), rules: [{ ruleId: RULES[0]!, text: 'Weights initialised by the team.' }] } };
  if (!state.exists) {
    // Before the launch, now and then a decision on the programme that does not exist yet (PROGRAM_NOT_FOUND).
    if (random() < 0.8) return launch;
    return pick(random, [{ type: 'CloseApplications', data }, { type: 'SelectFinalist', data: { ...data, teamId: 'team-1' } }, { type: 'WithdrawTeam', data: { ...data, teamId: 'team-2', statement: 'We withdraw.' } }] as ProgramCommand[]);
  }
  if (random() < 0.005) return launch;
  const teams = [...state.teams.values()];
  const anyTeam = () => (teams.length > 0 && random() < 0.85 ? pick(random, teams).teamId : `team-${Math.floor(random() * teamPool)}`);
  /** A team of one of these statuses when there is one (and most of the time), else any team. */
  const teamWith = (...statuses: string[]) => {
    const fitting = teams.filter((team) => statuses.includes(team.status));
    return fitting.length > 0 && random() < 0.9 ? pick(random, fitting).teamId : anyTeam();
  };
  const rounds = state.rounds.length;
  const latest = state.rounds[rounds - 1];
  const anyRound = () => (rounds === 0 || random() < 0.1 ? rounds + 1 : 1 + Math.floor(random() * rounds));
  const scorecard = () => CRITERIA.slice(0, 1 + Math.floor(random() * 3)).map((criterion) => ({ criterion, maxPoints: 10 + Math.floor(random() * 40) }));
  const score = (type: 'RecordScore' | 'CorrectScore'): ProgramCommand => {
    const round = latest && random() < 0.9 ? latest : undefined;
    const entry = round && random() < 0.95 ? pick(random, round.scorecard) : { criterion: pick(random, CRITERIA), maxPoints: 30 };
    const points = Math.round(random() * (entry.maxPoints + (random() < 0.05 ? 10 : 0)) * 100) / 100;
    return { type, data: { ...data, round: round?.round ?? anyRound(), teamId: teamWith('finalist'), criterion: entry.criterion, points } };
  };
  const unscored = () => {
    // A finalist still missing a score of the open round, when there is one: rounds then fill up and close.
    if (!latest || latest.results !== null) return score('RecordScore');
    for (const team of teams) {
      if (team.status !== 'finalist') continue;
      const missing = latest.scorecard.find(({ criterion }) => !latest.scores.get(team.teamId)?.has(criterion));
      if (missing) return { type: 'RecordScore' as const, data: { ...data, round: latest.round, teamId: team.teamId, criterion: missing.criterion, points: Math.round(random() * missing.maxPoints * 100) / 100 } };
    }
    return { type: 'CloseEvaluationRound' as const, data: { ...data, round: latest.round } };
  };
  const violator = () => {
    const found = teams.filter((team) => [...team.findings.values()].includes('violation'));
    return found.length > 0 ? pick(random, found) : undefined;
  };
  const anyCommand: Array<() => ProgramCommand> = [
    () => ({ type: 'SubmitApplication', data: { ...data, teamId: random() < 0.9 ? `team-${Math.floor(random() * teamPool)}` : anyTeam(), consortiumName: 'A consortium', leadOrganization: 'Lead', members: ['Lead'] } }),
    () => ({ type: 'CloseApplications', data }),
    () => ({ type: 'SelectFinalist', data: { ...data, teamId: teamWith('applicant') } }),
    () => ({ type: 'OpenEvaluationRound', data: { ...data, round: rounds + (random() < 0.9 ? 1 : 0), title: 'Round', scorecard: scorecard() } }),
    () => score('RecordScore'),
    () => score('CorrectScore'),
    () => ({ type: 'CloseEvaluationRound', data: { ...data, round: anyRound() } }),
    () => ({ type: 'ClarifyEligibilityRule', data: { ...data, ruleId: pick(random, RULES), text: `Text ${Math.floor(random() * 100)}` } }),
    () => ({ type: 'RecordComplianceFinding', data: { ...data, teamId: anyTeam(), ruleId: pick(random, [...state.rules.keys(), ...RULES]), verdict: random() < 0.6 ? 'violation' : 'cleared', findings: 'Found.' } }),
    () => ({ type: 'EliminateTeam', data: { ...data, teamId: teamWith('applicant'), grounds: 'not-shortlisted' } }),
    () => ({ type: 'EliminateTeam', data: { ...data, teamId: teamWith('finalist'), grounds: 'ranking', round: anyRound() } }),
    () => {
      const found = violator();
      const ruleId = found && random() < 0.8 ? [...found.findings.keys()][0]! : pick(random, RULES);
      return { type: 'EliminateTeam', data: { ...data, teamId: found?.teamId ?? anyTeam(), grounds: 'rule-violation', ruleId } };
    },
    () => ({ type: 'WithdrawTeam', data: { ...data, teamId: teamWith('applicant', 'finalist'), statement: 'We withdraw.' } }),
    () => ({ type: 'OpenWildcard', data: { ...data, slots: 1 + Math.floor(random() * 2), closesAt: '2026-02-12T18:00:00+09:00' } }),
    () => ({ type: 'SubmitWildcardApplication', data: { ...data, teamId: teamWith('eliminated') } }),
    () => {
      const applicants = state.wildcard ? [...state.wildcard.applicants] : [];
      const admit = Array.from({ length: Math.floor(random() * 3) }, () => (applicants.length > 0 && random() < 0.9 ? pick(random, applicants) : anyTeam()));
      return { type: 'CloseWildcard', data: { ...data, admit } };
    },
    () => ({ type: 'SelectWinner', data: { ...data, teamId: teamWith('finalist') } }),
  ];
  const [apply, close, select, open, record, correct, closeRound, clarify, finding, notShortlisted, ranking, ruleViolation, withdraw, openWildcard, wildcardApply, closeWildcard, winner] = anyCommand;
  const byPhase: Record<string, Array<[number, () => ProgramCommand]>> = {
    'accepting-applications': [[0.93, apply!], [teams.length >= 6 ? 0.06 : 0, close!]],
    screening: [[0.35, select!], [0.15, notShortlisted!], [0.15, open!], [0.05, finding!], [0.05, openWildcard!]],
    'round-open': [[0.5, unscored], [0.1, record!], [0.1, correct!], [0.05, closeRound!], [0.05, withdraw!], [0.05, finding!], [0.05, ruleViolation!]],
    'between-rounds': [[0.15, open!], [0.15, ranking!], [0.1, openWildcard!], [0.02, winner!], [0.1, select!], [0.1, finding!], [0.1, ruleViolation!], [0.05, withdraw!], [0.05, clarify!]],
    'wildcard-open': [[0.5, wildcardApply!], [0.25, closeWildcard!]],
  };
  let roll = random();
  for (const [weight, make] of byPhase[state.phase] ?? []) {
    if (roll < weight) return make();
    roll -= weight;
  }
  return pick(random, anyCommand)();
}

/** What a decision gives: its events, or its refusal's code and message. */
export function outcomeOf(command: ProgramCommand, state: ProgramState): { events: ProgramEvent[] } | { code: string; message: string } {
  try {
    return { events: decide(command, state) };
  } catch (error) {
    if (error instanceof ProgramRuleError) return { code: error.code, message: error.message };
    throw error;
  }
}

/** The events of `steps` random commands decided in turn (refused ones leave nothing), from nothing. */
export function randomHistory(programId: string, random: Random, steps: number, teamPool = 24): ProgramEvent[] {
  let state: ProgramState = initialState;
  const events: ProgramEvent[] = [];
  for (let step = 0; step < steps; step++) {
    const outcome = outcomeOf(randomCommand(programId, state, random, teamPool), state);
    if (!('events' in outcome)) continue;
    for (const event of outcome.events) {
      state = evolve(state, event);
      events.push(event);
    }
  }
  return events;
}
