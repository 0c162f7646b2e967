import { CliError } from "../cli/run.ts";

export interface ClientOptions {
  /** The storefront, e.g. http://127.0.0.1:8787 or https://shop.example.com. */
  url: string;
  token: string;
  /** Who is making changes, for the audit log (X-Admin-Actor). */
  actor: string | undefined;
}

/**
 * The admin API as the terminal uses it: the same endpoints as the marketer console. A
 * refusal becomes a CliError carrying every problem the API listed (exit code 1); no
 * answer at all is exit code 2.
 */
export class AdminClient {
  private readonly options: ClientOptions;

  constructor(options: ClientOptions) {
    this.options = options;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }

  send<T>(method: "POST" | "PUT", path: string, body?: unknown): Promise<T> {
    return this.request<T>(method, path, body);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.options.token}` };
    // Header values are bytes: a name like 王芳 travels percent-encoded; the API decodes it.
    if (this.options.actor) headers["X-Admin-Actor"] = encodeURIComponent(this.options.actor);
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const url = new URL(`/admin/api${path}`, this.options.url);
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new CliError(`could not reach ${this.options.url}: ${(error as Error).message}`, 2);
    }
    const data = (await response.json().catch(() => null)) as (T & { error?: ApiError }) | null;
    if (response.ok && data) return data;
    const error = data?.error;
    const problems = error?.problems ?? [];
    const refused = `refused (${response.status} ${error?.code ?? "error"})`;
    if (problems.length > 0)
      throw new CliError(`${refused}, ${problems.length === 1 ? "1 problem" : `${problems.length} problems`}:`, 1, problems);
    const extra = error?.code === "conflict" && error.version !== undefined ? ` (the sale is at version ${error.version})` : "";
    throw new CliError(`${refused}: ${error?.message ?? response.statusText}${extra}`, 1);
  }
}

interface ApiError {
  code: string;
  message: string;
  problems?: string[];
  version?: number;
}
