/**
 * `pvcontrol containers ls` (pvcontrol-ls.json): pantavisor's own view of the containers, for
 * the people reading a bundle (no check reads it). The gather script runs it in the background
 * and stops it at the end of the round (lib/bundle/gather.ts).
 */
import type { EvidenceSource } from './source.ts';

export const PVCONTROL_LS: EvidenceSource<string> = {
  name: 'pvcontrol-ls',
  file: 'pvcontrol-ls.json',
  gathered: 'capture',
  command: () => 'pvcontrol containers ls',
  read: (text) => ({ value: text }),
};
