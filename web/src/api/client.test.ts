import { ApiProblem, createApiClient, NetworkError, retryAfterSeconds, uploadFile } from './client';

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type, ...headers } });
}

function client(responses: Response[], extra: Partial<Parameters<typeof createApiClient>[0]> = {}) {
  const fetchMock = vi.fn(async () => responses.shift() ?? json(500, {}));
  const sleep = vi.fn(async () => undefined);
  const api = createApiClient({
    baseUrl: 'https://api.example/v1/',
    getToken: async () => 'id-token',
    fetch: fetchMock as unknown as typeof fetch,
    sleep,
    ...extra,
  });
  return { api, fetchMock, sleep };
}

describe('API client', () => {
  it('sends the ID token and JSON, and reads JSON answers', async () => {
    const { api, fetchMock } = client([json(200, { applicationId: 'a1', consent: { policyVersion: 'v1', givenAt: 'now' } })]);
    await api.giveConsent('a1', 'v1');
    expect(fetchMock).toHaveBeenCalledWith(
      'https://api.example/v1/applications/a1/consent',
      expect.objectContaining({
        method: 'PUT',
        body: JSON.stringify({ policyVersion: 'v1' }),
        headers: expect.objectContaining({ Authorization: 'Bearer id-token', 'Content-Type': 'application/json' }),
      }),
    );
  });

  it('turns problem+json into an ApiProblem', async () => {
    const { api } = client([json(409, { type: 'https://lendverify.dev/problems/conflict', title: 'Conflict', status: 409, detail: 'consent first' })]);
    const error = await api.createLivenessSession('a1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiProblem);
    expect((error as ApiProblem).status).toBe(409);
    expect((error as ApiProblem).slug).toBe('conflict');
    expect((error as ApiProblem).message).toBe('consent first');
  });

  it('retries a 503 after its Retry-After, then succeeds', async () => {
    const { api, fetchMock, sleep } = client([
      json(503, { title: 'Service Unavailable' }, { 'Retry-After': '2' }),
      json(200, { applications: [] }),
    ]);
    await expect(api.listApplications()).resolves.toEqual({ applications: [] });
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(sleep).toHaveBeenCalledWith(2000);
  });

  it('gives up after the retries and reports the 503', async () => {
    const { api, fetchMock } = client([json(503, {}), json(503, {}), json(503, {}), json(503, { title: 'still down' })]);
    await expect(api.listApplications()).rejects.toMatchObject({ status: 503 });
    expect(fetchMock).toHaveBeenCalledTimes(4);
  });

  it('signs out on a 401', async () => {
    const onUnauthorized = vi.fn();
    const { api } = client([json(401, { title: 'Unauthorized' })], { onUnauthorized });
    await expect(api.listApplications()).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it('reports a network failure as such', async () => {
    const api = createApiClient({
      baseUrl: 'https://api.example',
      getToken: async () => undefined,
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as unknown as typeof fetch,
    });
    await expect(api.listApplications()).rejects.toBeInstanceOf(NetworkError);
  });

  it('asks the emulator (local stage) to complete a session with the chosen outcome', async () => {
    const { api, fetchMock } = client([json(200, {}), json(200, {})], { emulatorUrl: '/_emulator' });
    await api.simulateLiveness('s-1', 'PASS', 'alice');
    await api.simulateLiveness('s-1', 'FAIL', 'alice');
    expect(fetchMock).toHaveBeenNthCalledWith(1, '/_emulator/liveness-sessions/s-1/complete', expect.objectContaining({ body: JSON.stringify({ confidence: 97.5, face: 'alice' }) }));
    expect(fetchMock).toHaveBeenNthCalledWith(2, '/_emulator/liveness-sessions/s-1/complete', expect.objectContaining({ body: JSON.stringify({ status: 'FAILED' }) }));
  });

  it('does not retry a liveness lockout: its Retry-After (minutes) is for the applicant to wait', async () => {
    const { api, fetchMock, sleep } = client([
      json(429, { type: 'https://lendverify.dev/problems/liveness-locked-out', status: 429, detail: 'locked' }, { 'Retry-After': '170' }),
    ]);
    const error = (await api.createLivenessSession('a1').catch((e: unknown) => e)) as ApiProblem;
    expect(error).toBeInstanceOf(ApiProblem);
    expect(error.slug).toBe('liveness-locked-out');
    expect(error.retryAfter).toBe(170);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('does not retry an exhausted identity attempt cap', async () => {
    const { api, fetchMock } = client([json(429, { type: 'https://lendverify.dev/problems/identity-attempts-exhausted', status: 429 })]);
    await expect(api.verifyIdentity('a1', 'u1')).rejects.toMatchObject({ status: 429, slug: 'identity-attempts-exhausted' });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('does not retry a quota 429: it lifts hours later, and says when', async () => {
    const { api, fetchMock, sleep } = client([
      json(429, { type: 'https://lendverify.dev/problems/application-quota-exceeded', status: 429 }, { 'Retry-After': '3600' }),
    ]);
    await expect(api.createApplication({ givenName: 'Jane', familyName: 'Doe', dateOfBirth: '1990-05-17' }, 'k1')).rejects.toMatchObject({
      status: 429,
      slug: 'application-quota-exceeded',
      retryAfter: 3600,
    });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('still retries a throttling 429', async () => {
    const { api, fetchMock, sleep } = client([json(429, { title: 'Too Many Requests' }, { 'Retry-After': '1' }), json(200, { applications: [] })]);
    await expect(api.listApplications()).resolves.toEqual({ applications: [] });
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(sleep).toHaveBeenCalledWith(1000);
  });

  it('calls the review routes: the queue with its filter and page token, the case, its events, a decision', async () => {
    const { api, fetchMock } = client([
      json(200, { cases: [], nextToken: null }),
      json(200, { cases: [] }),
      json(200, { applicationId: 'a/1' }),
      json(200, { events: [] }),
      json(201, { decision: 'APPROVED' }),
      json(200, { events: [] }),
    ]);
    await api.listReviewCases();
    await api.listReviewCases({ reasonCode: 'FACE_MISMATCH', nextToken: 'abc+/=' });
    await api.getReviewCase('a/1');
    await api.listReviewCaseEvents('a1');
    await api.decideReviewCase('a1', { decision: 'APPROVED', reasonCodes: ['FACE_SIMILARITY_BORDERLINE'], note: '' });
    await api.listApplicationEvents('a1');
    const calls = fetchMock.mock.calls as unknown as [string, RequestInit][];
    expect(calls.map(([url, init]) => `${init.method} ${url}`)).toEqual([
      'GET https://api.example/v1/review/cases',
      'GET https://api.example/v1/review/cases?reasonCode=FACE_MISMATCH&nextToken=abc%2B%2F%3D',
      'GET https://api.example/v1/review/cases/a%2F1',
      'GET https://api.example/v1/review/cases/a1/events',
      'POST https://api.example/v1/review/cases/a1/decisions',
      'GET https://api.example/v1/applications/a1/events',
    ]);
    // An empty note is left out rather than sent as "".
    expect(calls[4][1].body).toBe(JSON.stringify({ decision: 'APPROVED', reasonCodes: ['FACE_SIMILARITY_BORDERLINE'] }));
  });

  it.each([
    [null, 1],
    ['3', 3],
    ['120', 30],
    ['soon', 1],
  ])('reads Retry-After %s as %s s', (header, seconds) => {
    expect(retryAfterSeconds(header)).toBe(seconds);
  });

  it('reads an HTTP-date Retry-After', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterSeconds('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5);
  });
});

describe('presigned upload', () => {
  it('PUTs with the signed headers (not the ones the browser owns) and reports progress', async () => {
    const progress: number[] = [];
    const headers: Record<string, string> = {};
    const xhr = {
      upload: {} as { onprogress?: (e: { lengthComputable: boolean; loaded: number; total: number }) => void },
      status: 200,
      open: vi.fn(),
      setRequestHeader: (k: string, v: string) => {
        headers[k] = v;
      },
      send: vi.fn(function (this: { upload: typeof xhr.upload; onload?: () => void }) {
        xhr.upload.onprogress?.({ lengthComputable: true, loaded: 5, total: 10 });
        xhr.onload?.();
      }),
      onload: undefined as undefined | (() => void),
      onerror: undefined as undefined | (() => void),
    };
    await uploadFile(
      { url: 'https://bucket/key?sig', method: 'PUT', headers: { 'Content-Type': 'image/png', 'Content-Length': '10', 'x-amz-server-side-encryption': 'aws:kms' } },
      new Blob(['0123456789']),
      (p) => progress.push(p),
      () => xhr as unknown as XMLHttpRequest,
    );
    expect(xhr.open).toHaveBeenCalledWith('PUT', 'https://bucket/key?sig');
    expect(headers).toEqual({ 'Content-Type': 'image/png', 'x-amz-server-side-encryption': 'aws:kms' });
    expect(progress).toEqual([0.5, 1]);
  });
});
