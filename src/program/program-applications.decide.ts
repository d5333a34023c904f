import type { CloseApplications, SelectFinalist, SubmitApplication, ProgramCommandType } from './program.commands.js';
import { type ProgramErrorCode, refuse } from './program.errors.js';
import type { ApplicationsClosed, ApplicationSubmitted, FinalistSelected, ModelDeclaration } from './program.events.js';
import { listed, requireTeam } from './program.guards.js';
import type { Program } from './program.state.js';

/** Every code each of these decisions can be refused with, besides the checks every decision runs (`REFUSALS`). */
export const APPLICATION_REFUSALS = {
  SubmitApplication: ['APPLICATIONS_CLOSED', 'DUPLICATE_APPLICATION'],
  CloseApplications: ['APPLICATIONS_CLOSED'],
  SelectFinalist: ['TEAM_NOT_FOUND', 'APPLICATIONS_STILL_OPEN', 'NOT_AN_APPLICANT', 'FINALIST_SLOTS_FULL'],
} as const satisfies Partial<Record<ProgramCommandType, readonly ProgramErrorCode[]>>;

export function submitApplication(command: SubmitApplication, state: Program): ApplicationSubmitted[] {
  const { teamId, consortiumName, leadOrganization, members, modelDeclaration } = command.data;
  if (state.phase !== 'accepting-applications') {
    refuse('APPLICATIONS_CLOSED', `Applications to programme "${state.programId}" are closed; no new team can apply.`);
  }
  if (state.teams.has(teamId)) refuse('DUPLICATE_APPLICATION', `Team "${teamId}" has already applied; a team applies once.`);
  return [
    {
      type: 'ApplicationSubmitted',
      data: {
        teamId,
        consortiumName,
        leadOrganization,
        members: [...members],
        ...(modelDeclaration ? { modelDeclaration: plainDeclaration(modelDeclaration) } : {}),
      },
    },
  ];
}

/** Copies the declaration so that an absent `source` is left out rather than stored as undefined. */
function plainDeclaration(declaration: ModelDeclaration): ModelDeclaration {
  return {
    components: declaration.components.map(({ name, origin, weights, source }) => ({
      name,
      origin,
      weights,
      ...(source !== undefined ? { source } : {}),
    })),
  };
}

export function closeApplications(_command: CloseApplications, state: Program): ApplicationsClosed[] {
  if (state.phase !== 'accepting-applications') {
    refuse('APPLICATIONS_CLOSED', `Applications to programme "${state.programId}" are already closed.`);
  }
  return [{ type: 'ApplicationsClosed', data: { applicantCount: state.teams.size } }];
}

export function selectFinalist(command: SelectFinalist, state: Program): FinalistSelected[] {
  const team = requireTeam(state, command.data.teamId);
  if (state.phase === 'accepting-applications') {
    refuse('APPLICATIONS_STILL_OPEN', `Applications to programme "${state.programId}" are still open; close them before selecting finalists.`);
  }
  if (team.status !== 'applicant') {
    refuse('NOT_AN_APPLICANT', `Team "${team.teamId}" is ${team.status}; finalists are selected only from applicants.`);
  }
  if (state.inSlots.size >= state.finalistSlots) {
    refuse('FINALIST_SLOTS_FULL', `All ${state.finalistSlots} finalist slots are taken (${listed(state.inSlots)}).`);
  }
  return [{ type: 'FinalistSelected', data: { teamId: team.teamId } }];
}
