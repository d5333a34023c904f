import { CodedError } from '../../common/coded-error.js';

/** A read model has not applied what a read waits for (a position, or the end of a build) in time: retry in a second. */
export class ReadModelNotReadyError extends CodedError<'READ_MODEL_NOT_READY'> {
  override readonly name = 'ReadModelNotReadyError';
  constructor(detail: string) {
    super('READ_MODEL_NOT_READY', 'unavailable', `${detail[0]!.toUpperCase()}${detail.slice(1)}; try again shortly.`, 1);
  }
}

export class ProjectionNotFoundError extends CodedError<'PROJECTION_NOT_FOUND'> {
  override readonly name = 'ProjectionNotFoundError';
  constructor(name: string) {
    super('PROJECTION_NOT_FOUND', 'not-found', `There is no projection named ${name}.`);
  }
}

export class RebuildInProgressError extends CodedError<'REBUILD_IN_PROGRESS'> {
  override readonly name = 'RebuildInProgressError';
  constructor(name: string) {
    super('REBUILD_IN_PROGRESS', 'conflict', `A rebuild of ${name} is running already.`);
  }
}
