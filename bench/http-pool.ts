import { Agent, request } from 'node:http';

export interface PoolResponse {
  status: number;
  body: string;
}

/**
 * HTTP/1.1 over a fixed pool of keep-alive connections, as a gateway or a service client talks to Docket. An
 * open-loop load through `fetch` opens a new connection for every request that finds all others busy: after any
 * hiccup that is a storm of hundreds of connections, which queue in the kernel until the server accepts them, so
 * the bench would time its own connection storm, seconds long, rather than the server. Requests that find every
 * connection busy wait here, and that wait is part of the latency the caller measures.
 */
export class HttpPool {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    connections = 64,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  send(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string): Promise<PoolResponse> {
    return new Promise((resolve, reject) => {
      const call = request(new URL(path, this.baseUrl), { method, headers, agent: this.agent }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        response.on('error', reject);
      });
      call.on('error', reject);
      call.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
