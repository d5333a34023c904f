import type { ProjectionStatus } from '../projections/engine/projection-status.js';

export interface ClientResponse<T> {
  status: number;
  body: T;
}

/** The few admin calls the CLI makes of a running Docket: JSON over HTTP with a bearer token. */
export class DocketClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** True when a Docket answers `GET /api/health` at the URL (whatever its status). */
  async reachable(): Promise<boolean> {
    try {
      const response = await fetch(`${this.baseUrl}/api/health`, { signal: AbortSignal.timeout(1500) });
      const body = (await response.json().catch(() => null)) as { eventStore?: unknown } | null;
      return body !== null && typeof body === 'object' && 'eventStore' in body;
    } catch {
      return false;
    }
  }

  projections(): Promise<ClientResponse<ProjectionStatus[] & { detail?: string }>> {
    return this.request('GET', '/api/admin/projections');
  }

  rebuild(name: string): Promise<ClientResponse<ProjectionStatus & { detail?: string; code?: string }>> {
    return this.request('POST', `/api/admin/projections/${encodeURIComponent(name)}/rebuild`);
  }

  private async request<T>(method: string, path: string): Promise<ClientResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${this.token}` }, signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: (await response.json()) as T };
  }
}
