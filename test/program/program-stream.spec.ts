import { programIdOfStream, programStreamId } from '../../src/program/program.stream.js';

describe('program stream ids', () => {
  it("are 'program-' and the programme id, both ways", () => {
    expect(programStreamId('sovereign-ai-2025')).toBe('program-sovereign-ai-2025');
    expect(programIdOfStream('program-sovereign-ai-2025')).toBe('sovereign-ai-2025');
  });

  it('are not recognised in other streams', () => {
    expect(programIdOfStream('idempotency-sovereign-ai')).toBeNull();
    expect(programIdOfStream('program-')).toBeNull();
  });
});
