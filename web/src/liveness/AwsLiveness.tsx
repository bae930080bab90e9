// The lazily loaded liveness chunk: Amplify UI's FaceLivenessDetector and its face-detection
// runtime are only downloaded when an applicant reaches the liveness check on AWS. Its styles are
// part of @aws-amplify/ui-react/styles.css, loaded with the first screen.
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

export default function AwsLiveness({
  sessionId,
  region,
  assets,
  onAnalysisComplete,
  onError,
  onUserCancel,
  credentialProvider = identityPoolCredentials,
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
        credentialProvider,
        ...(assets?.faceModelUrl ? { faceModelUrl: assets.faceModelUrl } : {}),
        ...(assets?.binaryPath ? { binaryPath: assets.binaryPath } : {}),
      }}
    />
  );
}
