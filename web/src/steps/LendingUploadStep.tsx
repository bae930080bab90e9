import { useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/i18n';
import { Screen } from '../components/Screen';
import { ErrorMessage } from '../components/ErrorMessage';
import { FileField } from '../components/FileField';
import { ProgressBar } from '../components/ProgressBar';
import { messageFor } from '../api/problems';
import { uploadFile, type ApiClient } from '../api/client';

// A type outside the API's contentType enum is refused by API Gateway's request validator with a bare
// 400, so the browser says what is accepted before asking for an upload URL.
const LENDING_TYPES = ['application/pdf'];

export function LendingUploadStep({
  applicationId,
  api,
  onStarted,
}: {
  applicationId: string;
  api: ApiClient;
  onStarted: (documentId: string) => void;
}) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) {
      setError(t('lending.choose'));
      return;
    }
    if (!LENDING_TYPES.includes(file.type)) {
      setError(t('error.415.lending'));
      return;
    }
    setError(null);
    try {
      const upload = await api.createUpload(applicationId, 'LENDING_PACKAGE', file);
      setProgress(0);
      await uploadFile(upload, file, setProgress);
      const started = await api.startDocument(applicationId, upload.uploadId);
      onStarted(started.documentId);
    } catch (err) {
      setError(messageFor(err, t, 'lending'));
      setProgress(null);
    }
  }

  return (
    <Screen title={t('lending.title')} testId="step-lending-upload">
      <p>{t('lending.intro')}</p>
      <form onSubmit={submit} noValidate>
        <ErrorMessage message={error} />
        <FileField name="lendingPackage" label={t('lending.file')} accept={LENDING_TYPES.join(',')} required onChange={setFile} />
        {progress !== null && file && <ProgressBar value={progress} label={t('lending.uploading', { name: file.name })} />}
        <button type="submit" className="button primary" disabled={progress !== null}>
          {progress !== null ? t('common.working') : t('lending.submit')}
        </button>
      </form>
    </Screen>
  );
}
