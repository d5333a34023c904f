import { type AddressInfo, connect, type Socket } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { closeWhenStopping, createHttpAdapter } from '../../src/app.js';

/** Resolves once the handlers have been entered `count` times in all. */
class Entered {
  private count = 0;
  private readonly waiting: Array<{ count: number; resolve: () => void }> = [];

  enter(): void {
    this.count += 1;
    for (const waiter of this.waiting.filter((w) => w.count <= this.count)) waiter.resolve();
  }

  reached(count: number): Promise<void> {
    return count <= this.count ? Promise.resolve() : new Promise((resolve) => this.waiting.push({ count, resolve }));
  }
}

const entered = new Entered();
let answerSlow: (() => void) | null = null;

@Controller('stop')
class StopController {
  /** A request that is never answered: a client that never reads its answer holds a stop the same way. */
  @Get('never')
  never(): Promise<string> {
    entered.enter();
    return new Promise<string>(() => undefined);
  }

  /** Answered once the test says so, after the stop began. */
  @Get('slow')
  slow(): Promise<string> {
    entered.enter();
    return new Promise<string>((resolve) => (answerSlow = () => resolve('answered')));
  }
}

/** A raw HTTP/1.1 request on its own connection; settles with what the server sent once it closed the connection. */
function request(port: number, path: string): { socket: Socket; closed: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  socket.on('error', () => undefined);
  return { socket, closed };
}

describe('stopping the HTTP server', () => {
  it('answers a request in flight, then cuts the connections still busy once the drain time is over', async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [StopController] }).compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(), { logger: false });
    closeWhenStopping(app, 500);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.getHttpServer().address() as AddressInfo).port;

    const stuck = request(port, '/stop/never');
    const slow = request(port, '/stop/slow');
    await entered.reached(2);

    let stopped = false;
    const stopping = app.close().then(() => (stopped = true));
    // The slow request is answered while the stop drains, and its connection closed after the answer.
    await new Promise((resolve) => setTimeout(resolve, 100));
    answerSlow!();
    const slowAnswer = await slow.closed;
    expect(slowAnswer).toMatch(/^HTTP\/1\.1 200/);
    expect(slowAnswer.toLowerCase()).toContain('connection: close');
    expect(slowAnswer).toMatch(/answered$/);
    // The request that is never answered holds the stop until the drain time is over, then its connection is cut.
    expect(stopped).toBe(false);
    expect(await stuck.closed).toBe('');
    await stopping;
    expect(stopped).toBe(true);
  }, 15_000);
});
