/**
 * The public port of the EventStoreDB test fixture: a plain TCP relay in front of the gRPC server, so the fixture can
 * cut every connection the way a crashed node or a network failure does (a TCP reset: the client sees UNAVAILABLE),
 * and stop and start listening on the same port while the gRPC server and its events stay.
 */
import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

export class FrontDoor {
  private listener: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {}

  /** Listens on `port` (0: any free port) and returns the port; right after a close it retries briefly. */
  async open(port: number): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const listener = net.createServer((inbound) => this.relay(inbound));
      try {
        await new Promise<void>((resolve, reject) => {
          listener.once('error', reject);
          listener.listen(port, this.host, () => resolve());
        });
        this.listener = listener;
        return (listener.address() as net.AddressInfo).port;
      } catch (error) {
        if (port === 0 || attempt >= 50) throw error;
        await delay(20);
      }
    }
  }

  /** Resets every open connection; keeps listening. */
  cut(): void {
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    const closed = listener ? new Promise<void>((resolve) => listener.close(() => resolve())) : Promise.resolve();
    this.cut();
    await closed;
  }

  private relay(inbound: net.Socket): void {
    const outbound = net.connect(this.targetPort, this.host);
    const sockets = [inbound, outbound];
    const end = () => {
      for (const socket of sockets) {
        socket.destroy();
        this.sockets.delete(socket);
      }
    };
    for (const socket of sockets) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', end);
      socket.on('close', end);
    }
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  }
}
