// Entry point of the renderer page. In Electron the preload has already installed
// `window.workbench`; in a browser the web client (renderer/web-client/install.ts)
// connects to the web host and installs it. The page imports no test code: the component
// tests give the in-memory fake through the WorkbenchContext instead.

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import './styles.css';

type Installer = { installWebClient(): Promise<void> };

async function ensureWorkbench(): Promise<string | null> {
  if (window.workbench) return null;
  // Absent until the web client exists; the glob keeps the build working either way.
  const clients = import.meta.glob<Installer>('./web-client/install.ts');
  const load = clients['./web-client/install.ts'];
  if (!load) return 'This page needs the workbench: open it from the desktop app or from the URL `dcnn web` prints.';
  try {
    await (await load()).installWebClient();
  } catch (e) {
    return `Could not connect to the workbench: ${e instanceof Error ? e.message : String(e)}. Start it with \`dcnn web\` and open the URL it prints (with its token).`;
  }
  return window.workbench ? null : 'The web client did not install the workbench API.';
}

const rootEl = document.getElementById('root')!;
const root = createRoot(rootEl);
ensureWorkbench().then((problem) => {
  if (problem || !window.workbench) {
    root.render(
      <main className="boot-failure" role="alert">
        <h1>DYNAP-CNN Workbench</h1>
        <p>{problem ?? 'No workbench API.'}</p>
      </main>,
    );
    return;
  }
  root.render(
    <StrictMode>
      <App api={window.workbench} />
    </StrictMode>,
  );
});
