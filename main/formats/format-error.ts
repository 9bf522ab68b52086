// The one error type of the file-format readers and writers (safetensors, .npy, event
// CSV, event files). It carries what went wrong as data (a stable code plus details such
// as the tensor, field, row or byte counts) and a message a lab user can act on. It does
// not know file names: callers read the bytes, so callers prefix the path when they show it.

export type FormatName =
  | 'safetensors'
  | 'npy'
  | 'csv'
  | 'events'
  // camera recordings (main/formats/events/)
  | 'aedat4'
  | 'aedat2'
  | 'aedat3'
  | 'atis-bin'
  | 'prophesee-dat'
  | 'evt2'
  | 'evt3'
  // model files (main/formats/onnx, main/formats/nir)
  | 'onnx'
  | 'nir'
  // PyTorch files (torch.save)
  | 'torch';

/** Stable machine-readable codes; the message says the same for people. */
export type FormatErrorCode =
  // framing
  | 'TRUNCATED'
  | 'BAD_MAGIC'
  | 'BAD_VERSION'
  | 'HEADER_TOO_LARGE'
  | 'BAD_HEADER'
  | 'TRAILING_DATA'
  // tensors / arrays
  | 'BAD_ENTRY'
  | 'UNSUPPORTED_DTYPE'
  | 'BAD_OFFSETS'
  | 'SHAPE_MISMATCH'
  | 'UNSAFE_INTEGER'
  | 'BAD_VALUE'
  // tables of events
  | 'BAD_COLUMNS'
  | 'MISSING_FIELD'
  | 'EXTRA_FIELD'
  | 'NOT_AN_INTEGER'
  | 'NEGATIVE'
  | 'OUT_OF_RANGE'
  | 'NOT_SORTED'
  | 'NOT_EVENTS'
  // PyTorch files (torch.save)
  | 'BAD_ARCHIVE'
  | 'BAD_PICKLE'
  | 'UNSAFE_GLOBAL'
  | 'UNKNOWN_CLASS'
  | 'NO_STATE_DICT'
  | 'AMBIGUOUS_KEY'
  | 'TORCHSCRIPT'
  // model graphs (ONNX, NIR)
  | 'UNSUPPORTED_OP'
  | 'MISSING_TENSOR'
  | 'DANGLING_INPUT'
  | 'NOT_SEQUENTIAL'
  | 'SPIKING_TRACE'
  | 'UNSUPPORTED_NEURON'
  // packet streams of camera recordings
  | 'BAD_PACKET'
  | 'PACKET_TOO_LARGE'
  | 'UNKNOWN_STREAM'
  | 'DECOMPRESSION_FAILED'
  | 'UNSUPPORTED_FORMAT';

/** Plain values only, so an error crosses IPC and lands in logs unchanged. */
export type FormatErrorDetails = Readonly<Record<string, string | number | boolean | null>>;

export class FormatError extends Error {
  override readonly name = 'FormatError';

  constructor(
    readonly format: FormatName,
    readonly code: FormatErrorCode,
    message: string,
    readonly details: FormatErrorDetails = {},
  ) {
    super(message);
  }
}
