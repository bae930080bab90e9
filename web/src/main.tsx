import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Amplify } from 'aws-amplify';
import '@aws-amplify/ui-react/styles.css';
import './styles.css';
import { amplifyConfig, loadConfig } from './config';
import { App } from './App';
import { ConfigFailure } from './ConfigFailure';

const root = createRoot(document.getElementById('root')!);

loadConfig()
  .then((config) => {
    Amplify.configure(amplifyConfig(config));
    root.render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    );
  })
  .catch((error: Error) => {
    console.error(error.message);
    root.render(<ConfigFailure detail={error.message} />);
  });
