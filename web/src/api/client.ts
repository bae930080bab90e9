// Every call the web app makes to the LendVerify API (and, on the local stage, to the
// emulator's control API) lives here. Errors come back as ApiProblem; a 503 (or a throttling
// 429) is retried after its Retry-After; a 401 signs the applicant out.

import type {
  Application,
  ApplicationSummary,
  Consent,
  IdentityVerification,
  LendingDocument,
  LivenessSession,
  LivenessSessionCreated,
  AuditEventList,
  Problem,
  ReviewCase,
  ReviewCaseList,
  ReviewDecisionRecorded,
  ReviewDecisionRequest,
  UploadPurpose,
  UploadUrl,
} from './types';

export class ApiProblem extends Error {
  readonly status: number;
  readonly problem: Problem;
  /** The answer's Retry-After in seconds (uncapped), when it had one. */
  readonly retryAfter?: number;

  constructor(status: number, problem: Problem, retryAfter?: number) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiProblem';
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  /** The last segment of the problem `type` URI (e.g. "validation-failed"). */
  get slug(): string | undefined {
    return slugOf(this.problem);
  }
}

/** The network itself failed (offline, DNS, CORS): no HTTP answer at all. */
export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkError';
  }
}

export interface ClientOptions {
  baseUrl: string;
  /** The Cognito ID token, or undefined when signed out. */
  getToken: () => Promise<string | undefined>;
  /** Called once on a 401: the session is over, back to sign-in. */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Retries of a 503/429 answer; default 3. */
  maxRetries?: number;
  /** Base URL of the emulator control API (local stage only). */
  emulatorUrl?: string;
}

const MAX_RETRY_AFTER_SECONDS = 30;

/** 429 problem types that are decisions about the applicant, not throttling: retrying cannot
 * help (a liveness lockout lasts minutes; the identity attempt cap never resets; a quota lifts
 * when the oldest counted item is a day old, hours away). */
export const FINAL_429_PROBLEMS = [
  'liveness-locked-out',
  'identity-attempts-exhausted',
  'application-quota-exceeded',
  'upload-quota-exceeded',
  'lending-job-quota-exceeded',
];

/** Seconds a Retry-After header (delta-seconds or an HTTP date) asks for, uncapped; undefined
 * without a readable one. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(seconds, 0);
  const date = Date.parse(header);
  if (!Number.isNaN(date)) return Math.max((date - now) / 1000, 0);
  return undefined;
}

/** Seconds to wait before retrying, from a Retry-After header; default 1, at most 30. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number {
  return Math.min(parseRetryAfter(header, now) ?? 1, MAX_RETRY_AFTER_SECONDS);
}

function slugOf(problem: Problem): string | undefined {
  return problem.type?.split('/').pop();
}

async function readProblem(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object') return parsed as Problem;
  } catch {
    // not JSON: fall through
  }
  return { title: response.statusText || `HTTP ${response.status}`, status: response.status };
}

export function createApiClient(options: ClientOptions) {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxRetries = options.maxRetries ?? 3;
  const base = options.baseUrl.replace(/\/+$/, '');

  async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const token = await options.getToken();
    const init: RequestInit = {
      method,
      headers: {
        Accept: 'application/json, application/problem+json',
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    };
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await doFetch(`${base}${path}`, init);
      } catch (err) {
        throw new NetworkError((err as Error).message);
      }
      const retryAfterHeader = response.headers.get('Retry-After');
      if (response.status === 429) {
        const problem = await readProblem(response);
        if (FINAL_429_PROBLEMS.includes(slugOf(problem) ?? '') || attempt >= maxRetries) {
          throw new ApiProblem(429, problem, parseRetryAfter(retryAfterHeader));
        }
        await sleep(retryAfterSeconds(retryAfterHeader) * 1000);
        continue;
      }
      if (response.status === 503 && attempt < maxRetries) {
        await sleep(retryAfterSeconds(retryAfterHeader) * 1000);
        continue;
      }
      if (response.status === 401) {
        options.onUnauthorized?.();
      }
      if (!response.ok) throw new ApiProblem(response.status, await readProblem(response), parseRetryAfter(retryAfterHeader));
      if (response.status === 204) return undefined as T;
      return (await response.json()) as T;
    }
  }

  const app = (id: string) => `/applications/${encodeURIComponent(id)}`;
  const reviewCase = (id: string) => `/review/cases/${encodeURIComponent(id)}`;

  return {
    listApplications: () => request<{ applications: ApplicationSummary[] }>('GET', '/applications'),
    getApplication: (id: string) => request<Application>('GET', app(id)),
    createApplication: (applicant: { givenName: string; familyName: string; dateOfBirth: string }, idempotencyKey: string) =>
      request<ApplicationSummary>('POST', '/applications', { applicant }, { 'Idempotency-Key': idempotencyKey }),
    giveConsent: (id: string, policyVersion: string) =>
      request<{ applicationId: string; consent: Consent }>('PUT', `${app(id)}/consent`, { policyVersion }),
    eraseApplication: (id: string) => request<void>('DELETE', app(id)),
    createLivenessSession: (id: string) => request<LivenessSessionCreated>('POST', `${app(id)}/liveness-sessions`),
    getLivenessSession: (id: string, sessionId: string) =>
      request<LivenessSession>('GET', `${app(id)}/liveness-sessions/${encodeURIComponent(sessionId)}`),
    createUpload: (id: string, purpose: UploadPurpose, file: { type: string; size: number }) =>
      request<UploadUrl>('POST', `${app(id)}/uploads`, {
        purpose,
        contentType: file.type || 'application/octet-stream',
        contentLength: file.size,
      }),
    verifyIdentity: (id: string, idFrontUploadId: string, idBackUploadId?: string) =>
      request<IdentityVerification>('POST', `${app(id)}/identity-verifications`, {
        idFrontUploadId,
        ...(idBackUploadId ? { idBackUploadId } : {}),
      }),
    startDocument: (id: string, uploadId: string) =>
      request<{ documentId: string; status: string }>('POST', `${app(id)}/documents`, { uploadId }),
    getDocument: (id: string, documentId: string) =>
      request<LendingDocument>('GET', `${app(id)}/documents/${encodeURIComponent(documentId)}`),
    /** The applicant's own audit trail (no raw scores or inputs). */
    listApplicationEvents: (id: string) => request<AuditEventList>('GET', `${app(id)}/events`),

    // Reviewer routes: the API answers 403 to anyone outside the reviewers group.
    /** NEEDS_REVIEW cases, oldest first; `nextToken` from the previous page continues the list. */
    listReviewCases: (query: { reasonCode?: string; nextToken?: string } = {}) => {
      const params = new URLSearchParams();
      if (query.reasonCode) params.set('reasonCode', query.reasonCode);
      if (query.nextToken) params.set('nextToken', query.nextToken);
      const search = params.toString();
      return request<ReviewCaseList>('GET', `/review/cases${search ? `?${search}` : ''}`);
    },
    getReviewCase: (id: string) => request<ReviewCase>('GET', reviewCase(id)),
    listReviewCaseEvents: (id: string) => request<AuditEventList>('GET', `${reviewCase(id)}/events`),
    decideReviewCase: (id: string, decision: ReviewDecisionRequest) =>
      request<ReviewDecisionRecorded>('POST', `${reviewCase(id)}/decisions`, {
        decision: decision.decision,
        reasonCodes: decision.reasonCodes,
        ...(decision.note ? { note: decision.note } : {}),
      }),

    /** Local stage only: asks the emulator to finish a liveness session as the browser stream would. */
    async simulateLiveness(sessionId: string, outcome: SimulatedOutcome, face: string): Promise<void> {
      if (!options.emulatorUrl) throw new Error('no emulator configured');
      const body =
        outcome === 'PASS'
          ? { confidence: 97.5, face }
          : outcome === 'BORDERLINE'
            ? { confidence: 85.0, face }
            : { status: outcome === 'FAIL' ? 'FAILED' : 'EXPIRED' };
      let response: Response;
      try {
        response = await doFetch(`${options.emulatorUrl}/liveness-sessions/${encodeURIComponent(sessionId)}/complete`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
      } catch (err) {
        throw new NetworkError((err as Error).message);
      }
      if (!response.ok) throw new ApiProblem(response.status, await readProblem(response));
    },
  };
}

export type SimulatedOutcome = 'PASS' | 'BORDERLINE' | 'FAIL' | 'EXPIRED';
export type ApiClient = ReturnType<typeof createApiClient>;

/** PUTs a file to a presigned URL with exactly the given headers, reporting progress 0..1. */
export function uploadFile(
  upload: Pick<UploadUrl, 'url' | 'method' | 'headers'>,
  file: Blob,
  onProgress: (fraction: number) => void,
  makeXhr: () => XMLHttpRequest = () => new XMLHttpRequest(),
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = makeXhr();
    xhr.open(upload.method, upload.url);
    for (const [name, value] of Object.entries(upload.headers)) {
      // The browser sets these itself and refuses them from scripts.
      if (['content-length', 'host'].includes(name.toLowerCase())) continue;
      xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
      } else {
        reject(new ApiProblem(xhr.status, { title: 'Upload failed', status: xhr.status }));
      }
    };
    xhr.onerror = () => reject(new NetworkError('upload failed'));
    xhr.send(file);
  });
}
