import { I18nProvider, useI18n } from './i18n/i18n';

function Message({ detail }: { detail: string }) {
  const { t } = useI18n();
  return (
    <main id="main" className="config-failure">
      <div className="card" role="alert">
        <h1>{t('config.error.title')}</h1>
        <p>{t('config.error.body')}</p>
        <p className="hint">
          <code>{detail}</code>
        </p>
      </div>
    </main>
  );
}

export function ConfigFailure({ detail }: { detail: string }) {
  return (
    <I18nProvider>
      <Message detail={detail} />
    </I18nProvider>
  );
}
