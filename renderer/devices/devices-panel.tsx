// The Devices panel: the live device list (attach/detach appear as they happen, with a
// short highlight), which one runs get deployed to, add/remove a virtual devkit, and the
// USB backend's status with the fix when access is denied, and whether samna (real
// boards) is usable: the Python tried and what to install when it is not.

import { useId, useState } from 'react';
import type { DeviceTypeView, DeviceView, SamnaStatusView, UsbStatusView } from '../../preload/api';
import type { DevicesState } from '../app/use-devices';
import { deviceStatusText } from './device-changes';

export interface DevicesPanelProps {
  state: DevicesState;
  selectedId: string | null;
  onSelect(id: string): void;
  onAddVirtual(type: string): void;
  onRemoveVirtual(id: string): void;
  onRefresh(): void;
  onDismissError(): void;
}

export function virtualTypes(types: readonly DeviceTypeView[]): DeviceTypeView[] {
  return types.filter((t) => t.deployable && t.family !== null);
}

export function DevicesPanel(p: DevicesPanelProps) {
  const devices = p.state.view?.devices ?? [];
  const rows: Array<{ d: DeviceView; leaving: boolean }> = [...devices.map((d) => ({ d, leaving: false })), ...p.state.leaving.map((d) => ({ d, leaving: true }))];
  const kinds = virtualTypes(p.state.types);
  const [kind, setKind] = useState<string>('');
  const chosen = kind || kinds.find((t) => t.key === 'speck2fdevkit')?.key || kinds[0]?.key || '';
  const selectId = useId();
  return (
    <section className="panel devices" aria-label="Devices">
      <h2>Devices</h2>
      {!p.state.view && !p.state.error && <p className="quiet">Looking for devices…</p>}
      <ul className="device-list" aria-live="polite">
        {rows.map(({ d, leaving }) => {
          const selected = d.id === p.selectedId && !leaving;
          const cls = ['device', selected ? 'selected' : '', p.state.fresh.has(d.id) ? 'fresh' : '', leaving ? 'leaving' : '', d.deployable ? '' : 'not-deployable'].join(' ');
          return (
            <li key={`${d.id}${leaving ? '-leaving' : ''}`} className={cls} data-device={d.id}>
              <button
                type="button"
                className="device-main"
                aria-pressed={selected}
                disabled={leaving || !d.deployable}
                onClick={() => p.onSelect(d.id)}
                title={d.deployable ? `Deploy runs to ${d.id}` : (d.reason ?? 'not deployable')}
              >
                <span className={`dot ${d.status}`} aria-hidden="true" />
                <span className="device-id mono">{d.id}</span>
                <span className="device-meta">
                  <span className="device-type">{d.name}</span>
                  {d.serial && <span className="device-serial mono"> · {d.serial}</span>}
                  {d.deployable && !leaving && <span className={`device-status ${d.status}`}> · {deviceStatusText(d)}</span>}
                  {leaving && <span className="device-status detached"> · detached</span>}
                </span>
                {!d.deployable && !leaving && <span className="device-status why-not">{deviceStatusText(d)}</span>}
              </button>
              {d.virtual && !leaving && (
                <button type="button" className="icon" aria-label={`Remove ${d.id}`} title={`Remove ${d.id}`} onClick={() => p.onRemoveVirtual(d.id)} disabled={p.state.busy || d.status === 'busy'}>
                  ✕
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {p.state.view && devices.length === 0 && <p className="quiet">No devices. Add a virtual devkit to run without hardware.</p>}
      <div className="add-virtual">
        <label htmlFor={selectId} className="sr-only">
          Virtual devkit type
        </label>
        <select id={selectId} value={chosen} onChange={(e) => setKind(e.target.value)} disabled={kinds.length === 0}>
          {kinds.map((t) => (
            <option key={t.key} value={t.key}>
              {t.key}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => chosen && p.onAddVirtual(chosen)} disabled={!chosen || p.state.busy}>
          + Add virtual devkit
        </button>
        <button type="button" onClick={p.onRefresh} disabled={p.state.busy} title="List USB and samna's boards again: a board plugged in since the start appears, one unplugged goes">
          Refresh
        </button>
      </div>
      {p.state.view && <UsbLine usb={p.state.view.usb} />}
      {p.state.view?.samna && <SamnaLine samna={p.state.view.samna} />}
      {p.state.error && (
        <p className="field-error" role="alert">
          {p.state.error}{' '}
          <button type="button" className="link" onClick={p.onDismissError}>
            dismiss
          </button>
        </p>
      )}
    </section>
  );
}

function UsbLine({ usb }: { usb: UsbStatusView }) {
  const bad = usb.status === 'permission-denied' || usb.status === 'error';
  const warn = usb.status === 'unavailable';
  return (
    <div className={`usb ${bad ? 'bad' : warn ? 'warn' : ''}`} data-testid="usb-status">
      <span className="label">USB</span> <span>{usb.status === 'ok' ? 'ok' : usb.status.replace('-', ' ')}</span>
      {usb.status !== 'ok' && <p className="usb-message">{usb.message}</p>}
      {usb.fix && (
        <details open={bad}>
          <summary>How to fix</summary>
          <pre className="fix">{usb.fix}</pre>
        </details>
      )}
    </div>
  );
}

function SamnaLine({ samna }: { samna: SamnaStatusView }) {
  const bad = samna.status !== 'ok' && samna.status !== 'not-checked';
  return (
    <div className={`usb ${bad ? 'warn' : ''}`} data-testid="samna-status">
      <span className="label">samna</span> <span>{samna.status.replace('-', ' ')}</span>
      <p className="usb-message">{samna.message}</p>
      {samna.fix && (
        <details open={bad}>
          <summary>How to use real boards</summary>
          <pre className="fix">{samna.fix}</pre>
        </details>
      )}
    </div>
  );
}
