// Messages from the shared readers (main/formats) name their options as the API spells
// them ("the sort option", "dropOutOfRange"); on the command line the same options are
// flags. The CLI says the flag, so a message never points at an option the user cannot give.

const CLI_TERMS: ReadonlyArray<[RegExp, string]> = [
  [/import it with the sort option/g, 'give --sort (dcnn run, dcnn import) to put the events in time order'],
  [/import with dropOutOfRange to drop such events/g, 'give --drop-out-of-range (dcnn run, dcnn import --stream input) to drop such events'],
];

export function inCliTerms(message: string): string {
  return CLI_TERMS.reduce((text, [api, flag]) => text.replace(api, flag), message);
}
