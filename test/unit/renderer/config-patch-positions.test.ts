// The config patch is read by the same JSON reader in the editor (markers while typing) and
// in the compile service (the error a compile returns): both name the same place and reason.

import { describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../../preload/api';
import { CompileService } from '../../../main/services/compile-service';
import { checkPatch } from '../../../renderer/editor/config-patch';

const spec = (configPatch: string): ModelSpec => ({
  source: 'nn.Sequential(nn.Conv2d(1, 2, 3, bias=False), nn.ReLU())',
  weightsId: null,
  initSeed: 1,
  inputShape: [1, 8, 8],
  chip: 'speck2fdevkit',
  ordering: 'auto',
  monitorLayers: 'all',
  configPatch,
});

describe('config patch JSON errors', () => {
  for (const text of ['{"cnn_layers": [{"leak_enable": true} {}]}', '{\n  "dvs_layer": {\n    "pass_sensor_events": fals\n  }\n}', '{"a": "line\nbreak"}']) {
    it(`editor and compile agree on ${JSON.stringify(text).slice(0, 40)}`, () => {
      const editor = checkPatch(text);
      const compiled = new CompileService().requestFor(spec(text));
      expect(editor.ok).toBe(false);
      expect('patchError' in compiled).toBe(true);
      if (editor.ok || !('patchError' in compiled)) return;
      const detail = editor.message.replace(/^Not valid JSON: /, '');
      expect(compiled.patchError?.message).toBe(`The config patch is not valid JSON (line ${editor.line}, column ${editor.column}): ${detail}`);
      expect(compiled.patchError?.span).toMatchObject({ line: editor.line, column: editor.column });
    });
  }

  it('names the place: a missing comma in a list', () => {
    const r = checkPatch('{"cnn_layers": [{"leak_enable": true} {}]}');
    expect(r).toMatchObject({ ok: false, line: 1, column: 39, message: 'Not valid JSON: expected "," or "]" after a value, found "{"' });
  });
});
