// The NIR row of the model-importer table: an HDF5 file (signature check) read as a NIR
// graph (nir-file.ts) and turned into model text (nir-import.ts).

import type { ImportedModel, ModelImporter } from '../model-importer.js';
import { hasHdf5Signature } from './hdf5-memory.js';
import { readNirGraph } from './nir-file.js';
import { importNirGraph } from './nir-import.js';

export async function readNir(bytes: Uint8Array): Promise<ImportedModel> {
  return importNirGraph(await readNirGraph(bytes));
}

export const NIR_IMPORTER: ModelImporter = {
  id: 'nir',
  claims: hasHdf5Signature,
  read: readNir,
};
