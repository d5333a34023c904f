const PREFIX = 'program-';

/** One programme is one consistency boundary, so all its decisions go to one stream. */
export function programStreamId(programId: string): string {
  return PREFIX + programId;
}

/** The programme id of a programme stream, or null for any other stream. */
export function programIdOfStream(streamId: string): string | null {
  return streamId.startsWith(PREFIX) && streamId.length > PREFIX.length ? streamId.slice(PREFIX.length) : null;
}

export const PROGRAM_STREAM_PREFIX = PREFIX;
