import { useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/i18n';
import { Screen } from '../components/Screen';
import { ErrorMessage } from '../components/ErrorMessage';
import { FileField } from '../components/FileField';
import { ProgressBar } from '../components/ProgressBar';
import { messageFor } from '../api/problems';
import { uploadFile, type ApiClient } from '../api/client';
import type { IdentityVerification, UploadPurpose } from '../api/types';

// What the uploads API accepts for an ID; anything else is refused here, before API Gateway's request
// validator would answer a bare 400.
const ID_TYPES = ['image/jpeg', 'image/png'];

export function IdUploadStep({
  applicationId,
  api,
  onVerified,
}: {
  applicationId: string;
  api: ApiClient;
  onVerified: (result: IdentityVerification) => void;
}) {
  const { t } = useI18n();
  const [front, setFront] = useState<File | null>(null);
  const [back, setBack] = useState<File | null>(null);
  const [progress, setProgress] = useState<{ name: string; value: number } | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const busy = progress !== null || verifying;

  async function put(purpose: UploadPurpose, file: File): Promise<string> {
    const upload = await api.createUpload(applicationId, purpose, file);
    setProgress({ name: file.name, value: 0 });
    await uploadFile(upload, file, (value) => setProgress({ name: file.name, value }));
    return upload.uploadId;
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!front) {
      setError(t('id.chooseFront'));
      return;
    }
    if (![front, back].every((file) => !file || ID_TYPES.includes(file.type))) {
      setError(t('error.415.id'));
      return;
    }
    setError(null);
    try {
      const frontId = await put('ID_FRONT', front);
      const backId = back ? await put('ID_BACK', back) : undefined;
      setProgress(null);
      setVerifying(true);
      const result = await api.verifyIdentity(applicationId, frontId, backId);
      onVerified(result);
    } catch (err) {
      setError(messageFor(err, t, 'id'));
      setProgress(null);
      setVerifying(false);
    }
  }

  return (
    <Screen title={t('id.title')} testId="step-id-upload">
      <p>{t('id.intro')}</p>
      <form onSubmit={submit} noValidate>
        <ErrorMessage message={error} />
        <FileField name="idFront" label={t('id.front')} accept={ID_TYPES.join(',')} required onChange={setFront} />
        <FileField name="idBack" label={t('id.back')} accept={ID_TYPES.join(',')} onChange={setBack} />
        {progress && <ProgressBar value={progress.value} label={t('id.uploading', { name: progress.name })} />}
        {verifying && <p role="status">{t('id.verifying')}</p>}
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? t('common.working') : t('id.submit')}
        </button>
      </form>
    </Screen>
  );
}
