// The lazily loaded liveness chunk: Amplify UI's FaceLivenessDetectorCore and its face-detection
// runtime are only downloaded when an applicant reaches the liveness check. On AWS it streams to
// Rekognition with the identity pool's credentials; on the local stage the same component streams
// to the emulator (config.liveness.endpointOverride) with the stage's test credentials. Its styles
// are part of @aws-amplify/ui-react/styles.css, loaded with the first screen.
import { FaceLivenessDetectorCore, type AwsCredentialProvider } from '@aws-amplify/ui-react-liveness';
import { fetchAuthSession } from 'aws-amplify/auth';
import type { LivenessAssets } from '../config';

export interface LivenessError {
  state: string;
  error?: Error;
}

/** The identity pool's temporary credentials of the signed-in applicant; they allow exactly
 * rekognition:StartFaceLivenessSession. */
export const identityPoolCredentials: AwsCredentialProvider = async () => {
  const { credentials } = await fetchAuthSession();
  if (!credentials) throw new Error('no identity pool credentials for this session');
  return credentials;
};

/** Local stage only: moto-style test credentials. The emulator's stream checks that the request is
 * SigV4-presigned, not the signature, so these never leave the machine. */
export const localStageCredentials: AwsCredentialProvider = async () => ({
  accessKeyId: 'test',
  secretAccessKey: 'test',
});

export default function AwsLiveness({
  sessionId,
  region,
  assets,
  onAnalysisComplete,
  onError,
  onUserCancel,
  credentialProvider,
}: {
  sessionId: string;
  region: string;
  assets?: LivenessAssets;
  onAnalysisComplete: () => Promise<void>;
  onError: (error: LivenessError) => void;
  onUserCancel: () => void;
  credentialProvider?: AwsCredentialProvider;
}) {
  return (
    <FaceLivenessDetectorCore
      sessionId={sessionId}
      region={region}
      onAnalysisComplete={onAnalysisComplete}
      onError={(error) => onError({ state: String(error.state), error: error.error })}
      onUserCancel={onUserCancel}
      config={{
        // endpointOverride is accepted in local mode only (config.ts): the emulator's stream.
        credentialProvider: credentialProvider ?? (assets?.endpointOverride ? localStageCredentials : identityPoolCredentials),
        ...(assets?.faceModelUrl ? { faceModelUrl: assets.faceModelUrl } : {}),
        ...(assets?.binaryPath ? { binaryPath: assets.binaryPath } : {}),
        ...(assets?.endpointOverride ? { endpointOverride: assets.endpointOverride } : {}),
      }}
    />
  );
}
