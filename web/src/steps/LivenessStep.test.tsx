import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { I18nProvider } from '../i18n/i18n';
import type { ApiClient } from '../api/client';
import type { Application } from '../api/types';
import type { AppConfig } from '../config';
import { LivenessStep } from './LivenessStep';

// The detector is mocked at its module boundary: the test sees exactly the props it receives.
type DetectorProps = {
  sessionId: string;
  region: string;
  onAnalysisComplete: () => Promise<void>;
  onError: (e: { state: string; error?: Error }) => void;
  config: { credentialProvider: () => Promise<unknown>; faceModelUrl?: string; binaryPath?: string; endpointOverride?: string };
};
const detector = vi.hoisted(() => ({ props: null as null | DetectorProps }));
vi.mock('@aws-amplify/ui-react-liveness', () => ({
  FaceLivenessDetectorCore: (props: DetectorProps) => {
    detector.props = props;
    return <div data-testid="face-liveness-detector" />;
  },
}));
const credentials = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' };
vi.mock('aws-amplify/auth', () => ({
  fetchAuthSession: vi.fn(async () => ({ credentials })),
}));

const awsConfig: AppConfig = {
  mode: 'aws',
  apiUrl: 'https://api.example/v1',
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_abc',
  userPoolClientId: 'client',
  identityPoolId: 'eu-west-1:11111111-2222-3333-4444-555555555555',
  liveness: { faceModelUrl: '/liveness/model.json', binaryPath: '/liveness/wasm/' },
  reviewersGroup: 'reviewers',
};

const app: Application = {
  applicationId: 'app-1',
  status: 'CREATED',
  createdAt: '2026-11-30T10:00:00Z',
  consent: { policyVersion: 'v1', givenAt: '2026-11-30T10:00:01Z' },
  documents: [],
};

function fakeApi(status: string) {
  return {
    createLivenessSession: vi.fn(async () => ({ sessionId: 'session-42', region: 'eu-west-2' })),
    getLivenessSession: vi.fn(async () => ({ sessionId: 'session-42', status })),
    simulateLiveness: vi.fn(async () => undefined),
  } as unknown as ApiClient & Record<string, ReturnType<typeof vi.fn>>;
}

function wrap(children: ReactNode) {
  return <I18nProvider language="en">{children}</I18nProvider>;
}

beforeEach(() => {
  detector.props = null;
});

describe('liveness step on AWS', () => {
  it('passes the session id, its region and identity-pool credentials to FaceLivenessDetector', async () => {
    const api = fakeApi('PASSED');
    render(wrap(<LivenessStep app={app} api={api} config={awsConfig} onPassed={vi.fn()} />));
    await userEvent.click(screen.getByRole('button', { name: 'Start the liveness check' }));
    await screen.findByTestId('face-liveness-detector');
    expect(api.createLivenessSession).toHaveBeenCalledWith('app-1');
    expect(detector.props?.sessionId).toBe('session-42');
    expect(detector.props?.region).toBe('eu-west-2');
    await expect(detector.props?.config.credentialProvider()).resolves.toEqual(credentials);
    expect(detector.props?.config.faceModelUrl).toBe('/liveness/model.json');
    expect(detector.props?.config.binaryPath).toBe('/liveness/wasm/');
  });

  it('fetches the result when the analysis completes, and shows it', async () => {
    const api = fakeApi('PASSED');
    const onPassed = vi.fn();
    render(wrap(<LivenessStep app={app} api={api} config={awsConfig} onPassed={onPassed} />));
    await userEvent.click(screen.getByRole('button', { name: 'Start the liveness check' }));
    await screen.findByTestId('face-liveness-detector');
    await act(async () => {
      await detector.props?.onAnalysisComplete();
    });
    expect(api.getLivenessSession).toHaveBeenCalledWith('app-1', 'session-42');
    expect(await screen.findByText(/Liveness confirmed/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Continue' }));
    expect(onPassed).toHaveBeenCalled();
  });

  it('offers a retry after a failed check', async () => {
    const api = fakeApi('FAILED');
    render(wrap(<LivenessStep app={app} api={api} config={awsConfig} onPassed={vi.fn()} />));
    await userEvent.click(screen.getByRole('button', { name: 'Start the liveness check' }));
    await screen.findByTestId('face-liveness-detector');
    await act(async () => {
      await detector.props?.onAnalysisComplete();
    });
    expect(await screen.findByText(/could not confirm/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(api.createLivenessSession).toHaveBeenCalledTimes(2));
  });

  it('shows a message when the detector reports an error', async () => {
    const api = fakeApi('PASSED');
    render(wrap(<LivenessStep app={app} api={api} config={awsConfig} onPassed={vi.fn()} />));
    await userEvent.click(screen.getByRole('button', { name: 'Start the liveness check' }));
    await screen.findByTestId('face-liveness-detector');
    act(() => detector.props?.onError({ state: 'CAMERA_ACCESS_ERROR', error: new Error('NotAllowedError') }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/camera could not be used/);
    expect(screen.getByRole('button', { name: 'Start the liveness check' })).toBeInTheDocument();
  });

  it('explains a 409 without consent', async () => {
    const { ApiProblem } = await import('../api/client');
    const api = fakeApi('PASSED');
    vi.mocked(api.createLivenessSession).mockRejectedValueOnce(new ApiProblem(409, { detail: 'consent to biometric processing is required' }));
    render(wrap(<LivenessStep app={app} api={api} config={awsConfig} onPassed={vi.fn()} />));
    await userEvent.click(screen.getByRole('button', { name: 'Start the liveness check' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/give your consent/);
  });

  it('after a lockout (429 liveness-locked-out) says how long to wait and starts nothing until then', async () => {
    const { ApiProblem } = await import('../api/client');
    const api = fakeApi('PASSED');
    const locked = new ApiProblem(429, { type: 'https://lendverify.dev/problems/liveness-locked-out', status: 429, detail: 'locked' }, 2);
    vi.mocked(api.createLivenessSession).mockRejectedValueOnce(locked);
    render(wrap(<LivenessStep app={app} api={api} config={awsConfig} onPassed={vi.fn()} />));
    await userEvent.click(screen.getByRole('button', { name: 'Start the liveness check' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many liveness checks did not pass. For your security, you can start a new one in 2 seconds.');
    expect(screen.getByRole('button', { name: 'Start the liveness check' })).toBeDisabled();
    // When the wait is over the check can start again.
    await waitFor(() => expect(screen.getByRole('button', { name: 'Start the liveness check' })).toBeEnabled(), { timeout: 3000 });
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});

describe('liveness step on the local stage', () => {
  const stream: AppConfig = {
    ...awsConfig,
    mode: 'local',
    identityPoolId: undefined,
    emulatorUrl: '/_emulator',
    liveness: { endpointOverride: 'wss://127.0.0.1:5002', faceModelUrl: '/liveness-assets/model/m.json', binaryPath: '/liveness-assets/wasm/' },
  };

  it('runs the real detector against the emulator stream with local credentials', async () => {
    const api = fakeApi('PASSED');
    render(wrap(<LivenessStep app={app} api={api} config={stream} onPassed={vi.fn()} />));
    await userEvent.click(screen.getByRole('button', { name: 'Start the liveness check' }));
    await screen.findByTestId('face-liveness-detector');
    expect(detector.props?.config.endpointOverride).toBe('wss://127.0.0.1:5002');
    expect(detector.props?.config.faceModelUrl).toBe('/liveness-assets/model/m.json');
    expect(detector.props?.config.binaryPath).toBe('/liveness-assets/wasm/');
    await expect(detector.props?.config.credentialProvider()).resolves.toEqual({ accessKeyId: 'test', secretAccessKey: 'test' });
  });

  it('shows the session verdict with a retry when the stream ends with a server error', async () => {
    const api = fakeApi('FAILED');
    render(wrap(<LivenessStep app={app} api={api} config={stream} onPassed={vi.fn()} />));
    await userEvent.click(screen.getByRole('button', { name: 'Start the liveness check' }));
    await screen.findByTestId('face-liveness-detector');
    act(() => detector.props?.onError({ state: 'SERVER_ERROR' }));
    expect(await screen.findByText(/could not confirm/)).toBeInTheDocument();
    expect(api.getLivenessSession).toHaveBeenCalledWith('app-1', 'session-42');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('offers the simulated capture as an explicit fallback', async () => {
    const api = fakeApi('PASSED');
    render(wrap(<LivenessStep app={app} api={api} config={stream} onPassed={vi.fn()} />));
    await userEvent.click(screen.getByRole('button', { name: 'Use the simulated capture instead (local stage only)' }));
    expect(await screen.findByText('Simulated capture (local stage only)')).toBeInTheDocument();
    expect(detector.props).toBeNull();
  });

  it('is a clearly labelled simulation that asks the emulator to complete the session', async () => {
    const api = fakeApi('NEEDS_REVIEW');
    const local: AppConfig = { ...awsConfig, mode: 'local', identityPoolId: undefined, emulatorUrl: '/_emulator' };
    render(wrap(<LivenessStep app={app} api={api} config={local} onPassed={vi.fn()} />));
    await userEvent.click(screen.getByRole('button', { name: 'Start the liveness check' }));
    expect(await screen.findByText('Simulated capture (local stage only)')).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Borderline (confidence 85, manual review)'));
    await userEvent.click(screen.getByRole('button', { name: 'Simulate the capture' }));
    expect(api.simulateLiveness).toHaveBeenCalledWith('session-42', 'BORDERLINE', 'alice');
    expect(await screen.findByText(/needs a manual review/)).toBeInTheDocument();
    expect(detector.props).toBeNull();
  });
});
