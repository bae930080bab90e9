import type { ResourcesConfig } from 'aws-amplify';
import { REVIEWERS_GROUP } from './auth/roles';

// Runtime configuration: the same JavaScript is deployed to every environment, and each
// environment serves its own /config.json (written by Terraform from its outputs, or by the
// local stage). A missing or malformed file stops the app with a clear message instead of
// sending an applicant's data to the wrong place.

export type Mode = 'aws' | 'local';

export interface LivenessAssets {
  /** Self-hosted face detection model (FaceLivenessDetector `faceModelUrl`). */
  faceModelUrl?: string;
  /** Self-hosted TensorFlow.js WASM binaries (FaceLivenessDetector `binaryPath`). */
  binaryPath?: string;
  /** Local stage only: the emulator's Face Liveness stream (`wss://`), FaceLivenessDetectorCore's
   * `config.endpointOverride`. Without it the local stage offers only the simulated capture. */
  endpointOverride?: string;
}

export interface AppConfig {
  mode: Mode;
  apiUrl: string;
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  /** Required on AWS: the identity pool's credentials stream the liveness video. */
  identityPoolId?: string;
  /** Local stage only: moto's Cognito endpoint. */
  userPoolEndpoint?: string;
  /** Local stage only: base URL of the emulator's control API (simulated liveness capture). */
  emulatorUrl?: string;
  liveness?: LivenessAssets;
  /** How long this environment keeps biometric images and documents (days), for the consent text. */
  retentionDays?: { biometrics: number; documents: number };
  /** The Cognito group of reviewers (Terraform's reviewers_group_name); default REVIEWERS_GROUP. */
  reviewersGroup: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const USER_POOL_ID = /^[a-z]{2}(-gov)?-[a-z]+-\d_[A-Za-z0-9]+$/;
const IDENTITY_POOL_ID = /^[a-z]{2}(-gov)?-[a-z]+-\d:[0-9a-f-]{36}$/;
// As Terraform's reviewers_group_name validation has it.
const GROUP_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

function isUrl(value: unknown, { allowRelative = false } = {}): value is string {
  if (typeof value !== 'string' || value.length === 0) return false;
  if (allowRelative && value.startsWith('/')) return true;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Validates a parsed config.json; throws ConfigError naming every problem. */
export function parseConfig(raw: unknown): AppConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError('config.json must be a JSON object');
  }
  const c = raw as Record<string, unknown>;
  const problems: string[] = [];
  const mode = c.mode;
  if (mode !== 'aws' && mode !== 'local') problems.push('mode must be "aws" or "local"');
  if (!isUrl(c.apiUrl)) problems.push('apiUrl must be an http(s) URL');
  else if (mode === 'aws' && !String(c.apiUrl).startsWith('https://')) problems.push('apiUrl must be https in aws mode');
  if (typeof c.region !== 'string' || !REGION.test(c.region)) problems.push('region must be an AWS region such as eu-west-1');
  if (typeof c.userPoolId !== 'string' || !USER_POOL_ID.test(c.userPoolId)) problems.push('userPoolId must look like eu-west-1_AbC123');
  if (typeof c.userPoolClientId !== 'string' || !/^[A-Za-z0-9]{1,128}$/.test(c.userPoolClientId)) {
    problems.push('userPoolClientId must be a Cognito app client id');
  }
  if (mode === 'aws' && (typeof c.identityPoolId !== 'string' || !IDENTITY_POOL_ID.test(c.identityPoolId))) {
    problems.push('identityPoolId must look like eu-west-1:11111111-2222-3333-4444-555555555555 in aws mode');
  }
  if (c.userPoolEndpoint !== undefined && !isUrl(c.userPoolEndpoint)) problems.push('userPoolEndpoint must be a URL');
  if (mode === 'local' && !isUrl(c.emulatorUrl, { allowRelative: true })) problems.push('emulatorUrl is required in local mode');
  let liveness: LivenessAssets | undefined;
  if (c.liveness !== undefined) {
    if (typeof c.liveness !== 'object' || c.liveness === null) {
      problems.push('liveness must be an object');
    } else {
      const l = c.liveness as Record<string, unknown>;
      if (l.faceModelUrl !== undefined && !isUrl(l.faceModelUrl, { allowRelative: true })) problems.push('liveness.faceModelUrl must be a URL');
      if (l.binaryPath !== undefined && !isUrl(l.binaryPath, { allowRelative: true })) problems.push('liveness.binaryPath must be a URL');
      if (l.endpointOverride !== undefined && (mode !== 'local' || typeof l.endpointOverride !== 'string' || !/^wss:\/\/[^/]+/.test(l.endpointOverride))) {
        problems.push('liveness.endpointOverride must be a wss:// URL, and only in local mode');
      }
      liveness = {
        faceModelUrl: l.faceModelUrl as string | undefined,
        binaryPath: l.binaryPath as string | undefined,
        ...(typeof l.endpointOverride === 'string' ? { endpointOverride: l.endpointOverride } : {}),
      };
    }
  }
  let retentionDays: AppConfig['retentionDays'];
  if (c.retentionDays !== undefined) {
    const r = c.retentionDays as Record<string, unknown> | null;
    const whole = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1;
    if (!r || !whole(r.biometrics) || !whole(r.documents)) problems.push('retentionDays must be {biometrics, documents} in whole days');
    else retentionDays = { biometrics: r.biometrics as number, documents: r.documents as number };
  }
  if (c.reviewersGroup !== undefined && (typeof c.reviewersGroup !== 'string' || !GROUP_NAME.test(c.reviewersGroup))) {
    problems.push('reviewersGroup must be a Cognito group name such as reviewers');
  }
  if (problems.length > 0) throw new ConfigError(`config.json is invalid: ${problems.join('; ')}`);
  return {
    mode: mode as Mode,
    apiUrl: String(c.apiUrl).replace(/\/+$/, ''),
    region: c.region as string,
    userPoolId: c.userPoolId as string,
    userPoolClientId: c.userPoolClientId as string,
    identityPoolId: c.identityPoolId as string | undefined,
    userPoolEndpoint: c.userPoolEndpoint as string | undefined,
    emulatorUrl: typeof c.emulatorUrl === 'string' ? c.emulatorUrl.replace(/\/+$/, '') : undefined,
    liveness,
    retentionDays,
    reviewersGroup: typeof c.reviewersGroup === 'string' ? c.reviewersGroup : REVIEWERS_GROUP,
  };
}

/** Fetches and validates /config.json (never cached: a deployment may change it). */
export async function loadConfig(fetchImpl: typeof fetch = fetch, url = '/config.json'): Promise<AppConfig> {
  let response: Response;
  try {
    response = await fetchImpl(url, { cache: 'no-store', headers: { Accept: 'application/json' } });
  } catch (err) {
    throw new ConfigError(`config.json could not be loaded: ${(err as Error).message}`);
  }
  if (!response.ok) throw new ConfigError(`config.json is missing (HTTP ${response.status})`);
  let raw: unknown;
  try {
    raw = await response.json();
  } catch {
    throw new ConfigError('config.json is not valid JSON');
  }
  return parseConfig(raw);
}

/** The Amplify v6 configuration for this environment. */
export function amplifyConfig(config: AppConfig): ResourcesConfig {
  const userPool = {
    userPoolId: config.userPoolId,
    userPoolClientId: config.userPoolClientId,
    ...(config.userPoolEndpoint ? { userPoolEndpoint: config.userPoolEndpoint } : {}),
    loginWith: { email: true },
    signUpVerificationMethod: 'code' as const,
  };
  // Locally there is no identity pool service to ask (the emulator serves liveness), so
  // credentials are never requested there.
  if (config.mode === 'aws' && config.identityPoolId) {
    return { Auth: { Cognito: { ...userPool, identityPoolId: config.identityPoolId } } };
  }
  return { Auth: { Cognito: userPool } };
}
