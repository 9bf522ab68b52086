// Electron preload (sandboxed, bundled to one CommonJS file): exposes the contract as
// `window.workbench`, one function per channel, through contextBridge. ipcRenderer itself
// is never exposed.

import { contextBridge, ipcRenderer } from 'electron';
import { API_GLOBAL } from './api.js';
import { createWorkbenchApi } from './client-api.js';
import { electronTransport } from './electron-transport.js';

contextBridge.exposeInMainWorld(API_GLOBAL, createWorkbenchApi(electronTransport(ipcRenderer)));
