// The renderer's root: the workbench API in context, the workspace inside.

import type { WorkbenchApi } from '../../preload/api';
import { Workspace } from './workspace';
import { WorkbenchContext } from './workbench-api';

export function App({ api }: { api: WorkbenchApi }) {
  return (
    <WorkbenchContext.Provider value={api}>
      <Workspace />
    </WorkbenchContext.Provider>
  );
}
