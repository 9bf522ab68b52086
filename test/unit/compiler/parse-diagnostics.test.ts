// Every diagnostic code of the parse stage, with the exact line/column it must point
// at. Columns are counted by hand in the comments next to each source line
// (1-based; "cols a-b" = the characters a..b, endColumn = b + 1).

import { describe, expect, it } from 'vitest';
import { parseModel } from '../../../main/compiler/parse/parse-model.js';

interface Seen {
  severity: string;
  code: string;
  at: string;
  message: string;
  hint?: string;
}

/** Diagnostics as "line:column-endLine:endColumn" plus code and texts. */
function diagnose(source: string): Seen[] {
  return parseModel(source).diagnostics.map((d) => {
    const s = d.span;
    const seen: Seen = {
      severity: d.severity,
      code: d.code,
      at: s ? `${s.line}:${s.column}-${s.endLine}:${s.endColumn}` : '',
      message: d.message,
    };
    if (d.hint !== undefined) seen.hint = d.hint;
    return seen;
  });
}

function where(source: string): string[] {
  return diagnose(source).map((d) => `${d.severity} ${d.code} ${d.at}`);
}

describe('SYNTAX', () => {
  it('a missing comma points at the item after it', () => {
    const src = ['nn.Sequential(', '    nn.Conv2d(1, 2 3),', ')'].join('\n');
    // line 2: "nn.Conv2d(" cols 5-14, "1" 15, "," 16, " " 17, "2" 18, " " 19, "3" 20
    expect(diagnose(src)).toEqual([
      { severity: 'error', code: 'SYNTAX', at: '2:20-2:21', message: "expected ',' before '3'", hint: 'separate the items with commas (missing comma?)' },
    ]);
  });

  it('an unclosed bracket points where it was opened and says where the text ended', () => {
    const src = 'model = nn.Sequential(\n    nn.ReLU(),\n';
    // "model = nn.Sequential" is 21 characters: "(" is column 22. The text ends after the final newline: 3:1.
    expect(diagnose(src)).toEqual([
      {
        severity: 'error',
        code: 'SYNTAX',
        at: '1:22-1:23',
        message: "'(' was never closed (the text ends at 3:1 with it still open)",
        hint: "add the matching ')'",
      },
    ]);
  });

  it('a mismatched closing bracket is reported where it is, with where the bracket was opened', () => {
    const src = 'nn.Sequential(nn.ReLU(], nn.Flatten())';
    // "nn.Sequential(" cols 1-14, "nn.ReLU" 15-21, "(" 22, "]" 23
    expect(where(src)).toEqual(['info SYNTAX 1:22-1:23', 'error SYNTAX 1:23-1:24']);
    expect(diagnose(src)[1]!.message).toBe("closing ']' does not match '(' opened at 1:22");
  });

  it('an unmatched closing bracket after the model', () => {
    // "nn.Sequential(" 1-14, "nn.ReLU()" 15-23, ")" 24 closes the model, ")" 25 is extra
    expect(diagnose('nn.Sequential(nn.ReLU()))')).toEqual([
      { severity: 'error', code: 'SYNTAX', at: '1:25-1:26', message: "unmatched ')'", hint: 'remove it or add the matching opening bracket before it' },
    ]);
  });

  it('an unexpected character', () => {
    // "nn.Sequential(" 1-14, "nn.ReLU()" 15-23, " " 24, "$" 25
    expect(diagnose('nn.Sequential(nn.ReLU() $)')).toEqual([
      { severity: 'error', code: 'SYNTAX', at: '1:25-1:26', message: "unexpected character '$'" },
    ]);
  });

  it('an unexpected token says what was expected', () => {
    // "nn.Sequential(" 1-14, "nn.Conv2d(" 15-24, "1" 25, "," 26, " " 27, "=" 28
    const d = diagnose('nn.Sequential(nn.Conv2d(1, =2, 3))');
    expect(d[0]).toEqual({ severity: 'error', code: 'SYNTAX', at: '1:28-1:29', message: "unexpected '=', expected an expression" });
  });

  it('invalid numbers', () => {
    // "nn.Sequential(" 1-14, "nn.Conv2d(" 15-24, number at 25
    expect(where('nn.Sequential(nn.Conv2d(1__0, 2, 3))')).toEqual(['error SYNTAX 1:25-1:29']);
    expect(diagnose('nn.Sequential(nn.Conv2d(1__0, 2, 3))')[0]!.message).toBe("invalid number '1__0'");
    expect(diagnose('nn.Sequential(nn.Conv2d(08, 2, 3))')[0]).toMatchObject({ at: '1:25-1:27', message: "leading zeros in a decimal integer are not allowed ('08')" });
    expect(diagnose('nn.Sequential(nn.Conv2d(1e, 2, 3))')[0]).toMatchObject({ at: '1:25-1:27', message: "invalid number '1e'" });
    expect(diagnose('nn.Sequential(nn.Conv2d(3j, 2, 3))')[0]).toMatchObject({ at: '1:25-1:27', message: "complex number '3j' is not supported" });
  });

  it("a layer line that lost its '),' is one error at its '(' (the later layers are not read as its arguments)", () => {
    const src = ['nn.Sequential(', '    nn.Conv2d(1, 20, 5, 1, bias=False', '    nn.ReLU(),', '    nn.AvgPool2d(2),', ')'].join('\n');
    // line 2: "nn.Conv2d" 5-13, its '(' at column 14
    expect(diagnose(src)).toEqual([
      {
        severity: 'error',
        code: 'SYNTAX',
        at: '2:14-2:15',
        message: "'(' opened here is not closed: is a ')' missing at the end of line 2?",
        hint: "close it with ')' (and separate it from 'nn' with a comma)",
      },
    ]);
  });

  it('a number on the next line inside a call is still a missing comma, not a lost bracket', () => {
    const src = ['nn.Sequential(', '    nn.Conv2d(1, 20', '              5),', ')'].join('\n');
    expect(diagnose(src).map((d) => d.message)).toEqual(["expected ',' before '5'"]);
  });

  it('an unterminated string is reported once (not again as an unclosed bracket)', () => {
    const src = ['nn.Sequential(', "    nn.Conv2d(1, 2, 3, padding='same),", '    nn.ReLU(),', ')'].join('\n');
    // line 2: "nn.Conv2d(" 5-14, "1, 2, 3, " 15-23, "padding=" 24-31, quote at 32, the string runs to the end of the line (col 38)
    expect(diagnose(src)).toEqual([
      { severity: 'error', code: 'SYNTAX', at: '2:32-2:39', message: 'unterminated string', hint: "close the string with '" },
    ]);
  });

  it('a class around the model is reported once and its body skipped', () => {
    const src = [
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.seq = nn.Sequential(nn.ReLU())',
      'model = nn.Sequential(nn.ReLU())',
    ].join('\n');
    const m = parseModel(src);
    expect(where(src)).toEqual(['error SYNTAX 1:1-1:6']);
    expect(m.diagnostics[0]!.message).toBe("'class' blocks are not supported in model text");
  });

  it('a positional argument after keyword arguments', () => {
    // "nn.Sequential(" 1-14, "nn.Conv2d(" 15-24, "1, 2, " 25-30, "kernel_size=3" 31-43, ", " 44-45, "1" 46
    expect(diagnose('nn.Sequential(nn.Conv2d(1, 2, kernel_size=3, 1))')).toEqual([
      {
        severity: 'error',
        code: 'SYNTAX',
        at: '1:46-1:47',
        message: 'positional argument after keyword arguments',
        hint: 'move it before the keyword arguments, or give it by name (name=value)',
      },
    ]);
  });

  it('several syntax errors are reported in one pass', () => {
    const src = ['nn.Sequential(', '    nn.Conv2d(1 2, 3),', '    nn.AvgPool2d(2 2),', ')'].join('\n');
    // line 2: "1" 15, " " 16, "2" 17; line 3: "nn.AvgPool2d(" 5-17, "2" 18, " " 19, "2" 20
    expect(where(src)).toEqual(['error SYNTAX 2:17-2:18', 'error SYNTAX 3:20-3:21']);
  });
});

describe('NO_MODEL and MULTIPLE_MODELS', () => {
  it('an empty text has no model (no span)', () => {
    expect(diagnose('# just a comment\nimport torch.nn as nn\n')).toEqual([
      { severity: 'error', code: 'NO_MODEL', at: '', message: 'no nn.Sequential(...) found in the model text', hint: 'write the model as nn.Sequential(layer, layer, ...)' },
    ]);
  });

  it('a list of layers is not a model', () => {
    // "layers = " is 9 characters: the list starts at column 10 and ends after column 38.
    const src = 'layers = [nn.Conv2d(1, 2, 3), nn.ReLU()]';
    expect(diagnose(src)).toEqual([
      { severity: 'error', code: 'NO_MODEL', at: `1:10-1:${src.length + 1}`, message: 'a list of layers is not a model', hint: 'wrap the layers in nn.Sequential(...)' },
    ]);
  });

  it('a custom module is not a model', () => {
    expect(diagnose('model = MyNet()')[0]).toMatchObject({ code: 'NO_MODEL', at: '1:9-1:16', message: 'expected nn.Sequential(...), found MyNet()' });
  });

  it('a stray comma after the model makes it a tuple', () => {
    // "model = " is 8 characters: the tuple starts at column 9 and includes the comma (column 32).
    expect(diagnose('model = nn.Sequential(nn.ReLU()),')).toEqual([
      {
        severity: 'error',
        code: 'NO_MODEL',
        at: '1:9-1:34',
        message: 'this is a tuple (nn.Sequential(...), ...), not a model',
        hint: "remove the ',' after nn.Sequential(...)",
      },
    ]);
  });

  it('a model closed too early is still checked: the layer left without parentheses is shown', () => {
    const src = ['nn.Sequential(', '    nn.Conv2d(1, 2, 3),', '    nn.ReLU),', '    nn.Flatten(),', ')'].join('\n');
    // line 3: "nn.ReLU" 5-11 then ")" closes the model; the final ")" (5:1) is unmatched
    expect(where(src)).toEqual(['error BAD_ARGUMENT 3:5-3:12', 'error SYNTAX 5:1-5:2']);
  });

  it('a second nn.Sequential statement', () => {
    const src = 'a = nn.Sequential(nn.ReLU())\nb = nn.Sequential(nn.ReLU())';
    // line 2: "b = " 1-4, "nn.Sequential" 5-17
    expect(diagnose(src)).toEqual([
      {
        severity: 'error',
        code: 'MULTIPLE_MODELS',
        at: '2:5-2:18',
        message: 'a second model: the text may hold only one nn.Sequential(...) (the first is at 1:5)',
        hint: 'keep one model per text; nest Sequentials inside it if you need groups',
      },
    ]);
  });
});

describe('UNKNOWN_LAYER', () => {
  it('points at the misspelt class name and suggests the closest layer', () => {
    const src = ['nn.Sequential(', '    nn.Conv2D(1, 2, 3),', '    sl.IAFSqeeze(batch_size=1),', '    nn.SumPool2d(2),', ')'].join('\n');
    // line 2: "nn." 5-7, "Conv2D" 8-13; line 3: "IAFSqeeze" 8-16; line 4: "SumPool2d" 8-16
    expect(diagnose(src)).toEqual([
      { severity: 'error', code: 'UNKNOWN_LAYER', at: '2:8-2:14', message: "torch.nn has no layer 'Conv2D'", hint: 'did you mean nn.Conv2d?' },
      { severity: 'error', code: 'UNKNOWN_LAYER', at: '3:8-3:17', message: "sinabs.layers has no layer 'IAFSqeeze'", hint: 'did you mean sl.IAFSqueeze?' },
      { severity: 'error', code: 'UNKNOWN_LAYER', at: '4:8-4:17', message: "torch.nn has no layer 'SumPool2d'", hint: 'did you mean sl.SumPool2d?' },
    ]);
  });

  it('an undefined module alias and a bare class that was not imported', () => {
    // "nn.Sequential(" 1-14, "foo" 15-17, ".Bar(), " 18-25, "Conv2d" 26-31
    expect(diagnose('nn.Sequential(foo.Bar(), Conv2d(1, 2, 3))')).toEqual([
      { severity: 'error', code: 'UNKNOWN_LAYER', at: '1:15-1:18', message: "'foo' is not defined", hint: 'import it (e.g. import torch.nn as nn), or write nn.Bar' },
      {
        severity: 'error',
        code: 'UNKNOWN_LAYER',
        at: '1:26-1:32',
        message: "'Conv2d' is not imported",
        hint: 'write nn.Conv2d(...), or add "from torch.nn import Conv2d"',
      },
    ]);
  });

  it('suggestions use the aliases of the text', () => {
    const d = diagnose('import torch.nn as tnn\ntnn.Sequential(tnn.Lineer(2, 3))');
    expect(d).toEqual([{ severity: 'error', code: 'UNKNOWN_LAYER', at: '2:20-2:26', message: "torch.nn has no layer 'Lineer'", hint: 'did you mean tnn.Linear?' }]);
  });
});

describe('BAD_ARGUMENT', () => {
  it('reports each bad value at its own span, all in one pass', () => {
    const src = [
      'nn.Sequential(',
      '    nn.Conv2d(1, 2, kernel_size=2.5),', // "kernel_size=" 21-32, "2.5" 33-35
      '    nn.Conv2d(1, 0, 3),', // "0" 18
      '    nn.Conv2d(-4, 2, 3),', // "-4" 15-16
      '    nn.Conv2d(1, 2, 3, stride=0),', // "1, 2, 3, " 15-23, "stride=" 24-30, "0" 31
      '    nn.Conv2d(1, 2, 3, padding=-1),', // "padding=" 24-31, "-1" 32-33
      '    nn.Dropout(p=1.5),', // "nn.Dropout(" 5-15, "p=" 16-17, "1.5" 18-20
      '    nn.AvgPool2d(kernel_size=(2, 2, 2)),', // "nn.AvgPool2d(" 5-17, "kernel_size=" 18-29, "(2, 2, 2)" 30-38
      "    nn.Conv2d(1, 2, 4, padding='same'),", // "padding=" 24-31, "'same'" 32-37
      ')',
    ].join('\n');
    expect(diagnose(src)).toEqual([
      {
        severity: 'error',
        code: 'BAD_ARGUMENT',
        at: '2:33-2:36',
        message: 'nn.Conv2d: kernel_size must be a positive integer or a pair (height, width) of them, got 2.5',
        hint: 'PyTorch needs a whole number here',
      },
      { severity: 'error', code: 'BAD_ARGUMENT', at: '3:18-3:19', message: 'nn.Conv2d: out_channels must be a positive integer, got 0' },
      { severity: 'error', code: 'BAD_ARGUMENT', at: '4:15-4:17', message: 'nn.Conv2d: in_channels must be a positive integer, got -4' },
      { severity: 'error', code: 'BAD_ARGUMENT', at: '5:31-5:32', message: 'nn.Conv2d: stride must be a positive integer, got 0' },
      { severity: 'error', code: 'BAD_ARGUMENT', at: '6:32-6:34', message: 'nn.Conv2d: padding must be a non-negative integer, got -1' },
      { severity: 'error', code: 'BAD_ARGUMENT', at: '7:18-7:21', message: 'nn.Dropout: p is a probability and must be between 0 and 1, got 1.5' },
      { severity: 'error', code: 'BAD_ARGUMENT', at: '8:30-8:39', message: 'nn.AvgPool2d: kernel_size must be one integer or a pair (height, width), got 3 values' },
      {
        severity: 'error',
        code: 'BAD_ARGUMENT',
        at: '9:32-9:38',
        message: "nn.Conv2d: padding='same' with kernel_size (4, 4) pads one side more than the other, which the chip cannot do",
        hint: 'use an odd kernel size, or give the padding as a number',
      },
    ]);
    expect(parseModel(src).layers).toEqual([]);
  });

  it('wrong types: bools, strings and layers where numbers belong', () => {
    // "nn.Sequential(" 1-14, "nn.Conv2d(" 15-24, "1, 2, 3, " 25-33, "bias=" 34-38, "1" 39
    expect(diagnose('nn.Sequential(nn.Conv2d(1, 2, 3, bias=1))')).toEqual([
      { severity: 'error', code: 'BAD_ARGUMENT', at: '1:39-1:40', message: 'nn.Conv2d: bias must be True or False, got 1' },
    ]);
    // "sl.IAFSqueeze(" 15-28, "spike_threshold=" 29-44, "'1'" 45-47
    expect(diagnose("nn.Sequential(sl.IAFSqueeze(spike_threshold='1', batch_size=1))")[0]).toMatchObject({
      code: 'BAD_ARGUMENT',
      at: '1:45-1:48',
      message: "sl.IAFSqueeze: spike_threshold must be a number (or torch.tensor(number)), got '1'",
    });
  });

  it("padding_mode other than 'zeros' is an error: the chip pads with zeros", () => {
    // "nn.Conv2d(" 15-24, "1, 2, 3, " 25-33, "padding_mode=" 34-46, "'reflect'" 47-55
    expect(diagnose("nn.Sequential(nn.Conv2d(1, 2, 3, padding_mode='reflect'))")).toEqual([
      {
        severity: 'error',
        code: 'BAD_ARGUMENT',
        at: '1:47-1:56',
        message: "nn.Conv2d: padding_mode='reflect' is not supported: the chip pads with zeros",
        hint: "remove padding_mode (the default is 'zeros')",
      },
    ]);
  });

  it('reset_fn must be an instance of a sinabs reset; spike_fn a sinabs spike function', () => {
    // "sl.IAF(" 15-21, "reset_fn=" 22-30, "sa.MembraneReset" 31-46
    expect(diagnose('nn.Sequential(sl.IAF(reset_fn=sa.MembraneReset))')).toEqual([
      { severity: 'error', code: 'BAD_ARGUMENT', at: '1:31-1:47', message: 'sl.IAF: reset_fn takes an instance, not the class: write sa.MembraneReset()' },
    ]);
    // "spike_fn=" 22-30, "sa.MultiSpik" 31-42
    expect(diagnose('nn.Sequential(sl.IAF(spike_fn=sa.MultiSpik))')).toEqual([
      {
        severity: 'error',
        code: 'BAD_ARGUMENT',
        at: '1:31-1:43',
        message: 'sl.IAF: spike_fn must be sa.MultiSpike, sa.SingleSpike or sa.MaxSpike(n), got sa.MultiSpik',
        hint: 'did you mean sa.MultiSpike?',
      },
    ]);
  });

  it("a layer line that lost its ')' before the ',' is one error at that layer's '(', not at the model's", () => {
    const src = ['nn.Sequential(', '    nn.Conv2d(1, 20, 5,', '    nn.ReLU(),', ')'].join('\n');
    // Python's rule would blame the model's '(' (1:14) and read nn.ReLU() as the stride (issue 14, item 12).
    expect(diagnose(src)).toEqual([
      {
        severity: 'error',
        code: 'SYNTAX',
        at: '2:14-2:15',
        message: "'(' of nn.Conv2d on line 2 is never closed: line 3 starts the next item at the same indentation",
        hint: "add ')' before the ',' at the end of line 2",
      },
    ]);
  });

  it('a lost bracket in the middle of a long model is one error; problems of the rest are still found', () => {
    const src = [
      'nn.Sequential(',
      '    nn.Conv2d(1, 8, 5, bias=False),',
      '    nn.ReLU(),',
      '    nn.Conv2d(8, 16, 5, bias=False,',
      '    nn.ReLU(),',
      '    nn.AvgPool2d(2, 2),',
      '    nn.Flatten(),',
      '    nn.Linear(256, 10, bias=False, colour=3),',
      '    nn.ReLU(),',
      ')',
    ].join('\n');
    const d = diagnose(src);
    expect(d.map((x) => `${x.code} ${x.at}`)).toEqual(['SYNTAX 4:14-4:15', 'UNKNOWN_KEYWORD 8:36-8:42']);
  });

  it('a bracket left open at the last layer keeps the plain message', () => {
    const src = ['nn.Sequential(', '    nn.Conv2d(1, 20, 5,', ')'].join('\n');
    expect(diagnose(src)[0]?.message).toMatch(/was never closed/);
  });

  it('OrderedDict names must be unique strings without dots', () => {
    const src = [
      'nn.Sequential(OrderedDict([',
      '    ("a.b", nn.ReLU()),', // "(" 5, '"a.b"' 6-10
      '    ("c", nn.ReLU()),',
      '    ("c", nn.ReLU()),', // '"c"' 6-8
      '    (3, nn.ReLU()),', // "3" 6
      ']))',
    ].join('\n');
    expect(where(src)).toEqual(['error BAD_ARGUMENT 2:6-2:11', 'error BAD_ARGUMENT 4:6-4:9', 'error BAD_ARGUMENT 5:6-5:7']);
  });
});

describe('UNKNOWN_KEYWORD, DUPLICATE_ARGUMENT, TOO_MANY_ARGUMENTS, MISSING_ARGUMENT', () => {
  it('an unknown keyword is shown at its name with the closest argument', () => {
    // "nn.Sequential(" 1-14, "nn.Conv2d(" 15-24, "1, 2, 3, " 25-33, "strides" 34-40
    expect(diagnose('nn.Sequential(nn.Conv2d(1, 2, 3, strides=2))')).toEqual([
      { severity: 'error', code: 'UNKNOWN_KEYWORD', at: '1:34-1:41', message: "nn.Conv2d has no argument 'strides'", hint: 'did you mean stride?' },
    ]);
  });

  it('IAFSqueeze accepts the IAF keywords; an unknown one lists them', () => {
    // "sl.IAFSqueeze(" 15-28, "batch_size=1, " 29-42, "treshold" 43-50
    const d = diagnose('nn.Sequential(sl.IAFSqueeze(batch_size=1, treshold=1.0))');
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'UNKNOWN_KEYWORD', at: '1:43-1:51', message: "sl.IAFSqueeze has no argument 'treshold'" });
    expect(d[0]!.hint).toBe(
      'its arguments are: batch_size, num_timesteps, spike_threshold, spike_fn, reset_fn, surrogate_grad_fn, tau_syn, min_v_mem, shape, record_states',
    );
  });

  it('nn.Sequential takes no keyword arguments', () => {
    // "nn.Sequential(" 1-14, "nn.ReLU(), " 15-25, "name" 26-29
    expect(where('nn.Sequential(nn.ReLU(), name="x")')).toEqual(['error UNKNOWN_KEYWORD 1:26-1:30']);
  });

  it('an argument given by position and by keyword, and a keyword given twice', () => {
    const src = [
      'nn.Sequential(',
      '    nn.Conv2d(1, 2, 3, kernel_size=3),', // "1, 2, 3, " 15-23, "kernel_size=3" 24-36
      '    nn.ReLU(inplace=False, inplace=False),', // "nn.ReLU(" 5-12, "inplace=False, " 13-27, "inplace=False" 28-40
      ')',
    ].join('\n');
    expect(diagnose(src)).toEqual([
      {
        severity: 'error',
        code: 'DUPLICATE_ARGUMENT',
        at: '2:24-2:37',
        message: "nn.Conv2d: 'kernel_size' is given both by position and by keyword",
        hint: 'remove one of them',
      },
      { severity: 'error', code: 'DUPLICATE_ARGUMENT', at: '3:28-3:41', message: "nn.ReLU: keyword argument 'inplace' is given twice", hint: 'remove one of them' },
    ]);
  });

  it('too many positional arguments are shown from the first extra one to the last', () => {
    // "nn.Sequential(" 1-14, "nn.ReLU(" 15-22, "False" 23-27, ", " 28-29, "1" 30, ", " 31-32, "2" 33
    expect(diagnose('nn.Sequential(nn.ReLU(False, 1, 2))')).toEqual([
      {
        severity: 'error',
        code: 'TOO_MANY_ARGUMENTS',
        at: '1:30-1:34',
        message: 'nn.ReLU takes at most 1 positional argument (inplace), got 3',
        hint: 'remove the extra values, or give arguments by name (name=value)',
      },
    ]);
  });

  it('a missing required argument is shown at the closing parenthesis', () => {
    const src = ['nn.Sequential(', '    nn.Conv2d(1, 2),', '    nn.Linear(),', '    sl.IAFSqueeze(spike_threshold=1.0),', ')'].join('\n');
    // line 2: "nn.Conv2d(" 5-14, "1, 2" 15-18, ")" 19; line 3: "nn.Linear(" 5-14, ")" 15;
    // line 4: "sl.IAFSqueeze(" 5-18, "spike_threshold=1.0" 19-37, ")" 38
    expect(diagnose(src)).toEqual([
      {
        severity: 'error',
        code: 'MISSING_ARGUMENT',
        at: '2:19-2:20',
        message: "nn.Conv2d is missing required argument 'kernel_size'",
        hint: "signature: nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros', device=None, dtype=None)",
      },
      {
        severity: 'error',
        code: 'MISSING_ARGUMENT',
        at: '3:15-3:16',
        message: "nn.Linear is missing required arguments 'in_features', 'out_features'",
        hint: 'signature: nn.Linear(in_features, out_features, bias=True, device=None, dtype=None)',
      },
      {
        severity: 'error',
        code: 'MISSING_ARGUMENT',
        at: '4:38-4:39',
        message: 'sl.IAFSqueeze needs batch_size or num_timesteps (sinabs raises TypeError without them)',
        hint: 'add batch_size=1: the chip runs one sample at a time',
      },
    ]);
  });
});

describe('warnings: accepted but without effect on the chip', () => {
  it('device, inplace, dropout p, subtract_value, reset_value, SumPool2d ceil_mode', () => {
    const src = [
      'nn.Sequential(',
      "    nn.Conv2d(1, 2, 3, device='cuda'),", // "1, 2, 3, " 15-23, "device=" 24-30, "'cuda'" 31-36
      '    nn.ReLU(inplace=True),', // "nn.ReLU(" 5-12, "inplace=" 13-20, "True" 21-24
      '    nn.Dropout2d(p=0.2),', // "nn.Dropout2d(" 5-17, "p=" 18-19, "0.2" 20-22
      '    sl.IAFSqueeze(batch_size=1, reset_fn=sa.MembraneSubtract(subtract_value=2.0)),',
      // "sl.IAFSqueeze(" 5-18, "batch_size=1, " 19-32, "reset_fn=" 33-41, "sa.MembraneSubtract(" 42-61, "subtract_value=" 62-76, "2.0" 77-79
      '    sl.IAF(reset_fn=sa.MembraneReset(reset_value=1)),',
      // "sl.IAF(" 5-11, "reset_fn=" 12-20, "sa.MembraneReset(" 21-37, "reset_value=" 38-49, "1" 50
      '    sl.SumPool2d(2, ceil_mode=True),', // "sl.SumPool2d(" 5-17, "2, " 18-20, "ceil_mode=" 21-30, "True" 31-34
      ')',
    ].join('\n');
    const m = parseModel(src);
    expect(m.diagnostics.map((d) => `${d.severity} ${d.code} ${d.span!.line}:${d.span!.column}-${d.span!.endColumn}`)).toEqual([
      'warning IGNORED_ARGUMENT 2:31-37',
      'warning IGNORED_ARGUMENT 3:21-25',
      'warning IGNORED_ARGUMENT 4:20-23',
      'warning IGNORED_ARGUMENT 5:77-80',
      'warning IGNORED_ARGUMENT 6:50-51',
      'warning IGNORED_ARGUMENT 7:31-35',
    ]);
    expect(m.diagnostics.map((d) => d.message)).toEqual([
      'nn.Conv2d: device is ignored (the weights live on the chip)',
      'nn.ReLU: inplace=True is ignored (it only saves memory in PyTorch)',
      'nn.Dropout2d: p=0.2 has no effect at inference: dropout is off on the chip',
      'sa.MembraneSubtract: subtract_value is ignored: the chip always subtracts the spike threshold',
      'sa.MembraneReset: reset_value is ignored: the chip resets the membrane potential to 0',
      'sl.SumPool2d: ceil_mode=True is ignored: the chip drops incomplete pooling windows',
    ]);
    // Warnings only: the model is usable.
    expect(m.layers.map((l) => l.kind)).toEqual(['conv2d', 'relu', 'ignored', 'iaf', 'iaf', 'sumpool2d']);
  });
});
