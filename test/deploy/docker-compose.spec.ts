import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const root = fileURLToPath(new URL('../..', import.meta.url));
const compose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;
const config = (profiles: string[], ...flags: string[]) =>
  execFileSync('docker-compose', ['-f', 'docker-compose.yml', ...profiles.flatMap((p) => ['--profile', p]), 'config', ...flags], { cwd: root, encoding: 'utf8' });

// Validating a compose file offline needs Debian's docker-compose; .ci/run installs it, so CI always runs these.
(compose ? describe : describe.skip)('docker-compose.yml', () => {
  it('is valid as a single node with Docket wired to it', () => {
    expect(config([], '--services').trim().split('\n')).toEqual(expect.arrayContaining(['docket', 'eventstore']));
    expect(config([])).toContain('EVENTSTORE_CONNECTION_STRING: esdb://eventstore:2113?tls=false');
  });

  it('is valid as a three-node cluster with Docket given all three nodes as gossip seeds', () => {
    const services = config(['cluster'], '--services').trim().split('\n');
    expect(services).toEqual(expect.arrayContaining(['docket-cluster', 'esdb-node1', 'esdb-node2', 'esdb-node3']));
    expect(config(['cluster'])).toMatch(/esdb:\/\/172\.30\.240\.11:2113,172\.30\.240\.12:2113,172\.30\.240\.13:2113/);
  });

  it('scales out: two Docket instances on the cluster, each with its own data volume, behind one proxy', () => {
    const text = config(['cluster', 'scale-out']);
    const services = config(['cluster', 'scale-out'], '--services').trim().split('\n');
    expect(services).toEqual(expect.arrayContaining(['docket-a', 'docket-b', 'docket-proxy']));
    expect(text).toMatch(/docket-a-data:\/data/);
    expect(text).toMatch(/docket-b-data:\/data/);
    expect(text).toContain('server docket-a:3000; server docket-b:3000;');
  });
});

