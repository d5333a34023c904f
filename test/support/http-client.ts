/** A small fetch wrapper for the end-to-end tests: JSON in and out, a role's development token, raw access. */
export const TOKENS = {
  official: 'dev-official-token',
  evaluator: 'dev-evaluator-token',
  auditor: 'dev-auditor-token',
  subscriber: 'dev-subscriber-token',
  admin: 'dev-admin-token',
} as const;
export type TokenRole = keyof typeof TOKENS;

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any;
}

export function httpClient(baseUrl: string) {
  async function request(method: string, path: string, options: { role?: TokenRole | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<JsonResponse> {
    const headers: Record<string, string> = { ...options.headers };
    const role = options.role === undefined ? 'official' : options.role;
    if (role) headers['authorization'] = `Bearer ${TOKENS[role]}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: keep the text so a test can show it.
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }
  return {
    request,
    post: (path: string, body?: unknown, options: { role?: TokenRole | null; headers?: Record<string, string> } = {}) => request('POST', path, { ...options, body }),
    get: (path: string, options: { role?: TokenRole | null; headers?: Record<string, string> } = {}) => request('GET', path, options),
  };
}
