import { amplifyConfig, ConfigError, loadConfig, parseConfig } from './config';

const aws = {
  mode: 'aws',
  apiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/v1/',
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_AbCdEf123',
  userPoolClientId: '1example23456789abcdefghij',
  identityPoolId: 'eu-west-1:11111111-2222-3333-4444-555555555555',
};

const local = {
  mode: 'local',
  apiUrl: 'http://127.0.0.1:8080',
  region: 'us-east-1',
  userPoolId: 'us-east-1_abc',
  userPoolClientId: 'client1',
  userPoolEndpoint: 'http://127.0.0.1:5000',
  emulatorUrl: '/_emulator',
};

function respond(body: string, status = 200): typeof fetch {
  return vi.fn(async () => new Response(body, { status })) as unknown as typeof fetch;
}

describe('config.json', () => {
  it('accepts an AWS configuration and trims the API URL', () => {
    const config = parseConfig(aws);
    expect(config.apiUrl).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/v1');
    expect(amplifyConfig(config).Auth?.Cognito).toMatchObject({ identityPoolId: aws.identityPoolId, userPoolId: aws.userPoolId });
  });

  it('accepts a local configuration, with moto as the user pool endpoint and no identity pool', () => {
    const cognito = amplifyConfig(parseConfig(local)).Auth?.Cognito as unknown as Record<string, unknown>;
    expect(cognito.userPoolEndpoint).toBe('http://127.0.0.1:5000');
    expect(cognito.identityPoolId).toBeUndefined();
  });

  it('passes the retention periods through for the consent text', () => {
    expect(parseConfig({ ...local, retentionDays: { biometrics: 1, documents: 7 } }).retentionDays).toEqual({ biometrics: 1, documents: 7 });
  });

  it('names the reviewers group: the default, or the environment\'s own', () => {
    expect(parseConfig(aws).reviewersGroup).toBe('reviewers');
    expect(parseConfig({ ...aws, reviewersGroup: 'lv-reviewers' }).reviewersGroup).toBe('lv-reviewers');
  });

  it('takes the emulator stream as endpointOverride in local mode only', () => {
    const config = parseConfig({ ...local, liveness: { endpointOverride: 'wss://127.0.0.1:5002', binaryPath: '/liveness-assets/wasm/' } });
    expect(config.liveness?.endpointOverride).toBe('wss://127.0.0.1:5002');
    expect(() => parseConfig({ ...aws, liveness: { endpointOverride: 'wss://127.0.0.1:5002' } })).toThrow(/endpointOverride/);
    expect(() => parseConfig({ ...local, liveness: { endpointOverride: 'http://127.0.0.1:5002' } })).toThrow(/endpointOverride/);
  });

  it('passes self-hosted liveness asset locations through', () => {
    const config = parseConfig({ ...aws, liveness: { faceModelUrl: '/liveness/model.json', binaryPath: 'https://assets.example/wasm/' } });
    expect(config.liveness).toEqual({ faceModelUrl: '/liveness/model.json', binaryPath: 'https://assets.example/wasm/' });
  });

  it.each([
    ['not an object', [], /must be a JSON object/],
    ['unknown mode', { ...aws, mode: 'prod' }, /mode must be "aws" or "local"/],
    ['no API URL', { ...aws, apiUrl: undefined }, /apiUrl must be an http\(s\) URL/],
    ['plain-HTTP API on AWS', { ...aws, apiUrl: 'http://api.example' }, /apiUrl must be https/],
    ['bad region', { ...aws, region: 'Europe' }, /region must be an AWS region/],
    ['bad user pool', { ...aws, userPoolId: 'pool' }, /userPoolId/],
    ['no identity pool on AWS', { ...aws, identityPoolId: undefined }, /identityPoolId/],
    ['no emulator locally', { ...local, emulatorUrl: undefined }, /emulatorUrl is required/],
    ['bad liveness asset', { ...aws, liveness: { faceModelUrl: 'ftp://x' } }, /liveness.faceModelUrl/],
    ['bad retention', { ...aws, retentionDays: { biometrics: 0.5, documents: 7 } }, /retentionDays/],
    ['bad reviewers group', { ...aws, reviewersGroup: 'Reviewers Team' }, /reviewersGroup/],
  ])('refuses %s with a clear message', (_, raw, message) => {
    expect(() => parseConfig(raw)).toThrow(ConfigError);
    expect(() => parseConfig(raw)).toThrow(message);
  });

  it('names every problem at once', () => {
    expect(() => parseConfig({ mode: 'aws' })).toThrow(/apiUrl.*region.*userPoolId.*userPoolClientId.*identityPoolId/);
  });

  it('refuses a missing config.json', async () => {
    await expect(loadConfig(respond('not found', 404))).rejects.toThrow('config.json is missing (HTTP 404)');
  });

  it('refuses a config.json that is not JSON', async () => {
    await expect(loadConfig(respond('<html>'))).rejects.toThrow('config.json is not valid JSON');
  });

  it('refuses when config.json cannot be fetched', async () => {
    const failing = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    await expect(loadConfig(failing)).rejects.toThrow('config.json could not be loaded: Failed to fetch');
  });

  it('loads a valid config.json without caching it', async () => {
    const fetchImpl = respond(JSON.stringify(local));
    await expect(loadConfig(fetchImpl)).resolves.toMatchObject({ mode: 'local' });
    expect(fetchImpl).toHaveBeenCalledWith('/config.json', expect.objectContaining({ cache: 'no-store' }));
  });
});
